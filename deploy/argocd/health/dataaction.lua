-- Argo CD health check for dataactions.dev/DataAction, after common.lua.

-- A DataAction also waits for its integration. A refused draft, a missing ConfigMap key or a name another
-- action carries needs a person: the previous version stays published, but the spec Argo CD applied is not live.
local retryable = retryableWith({ "IntegrationNotReady" })
-- Ready=False reasons that say the platform is still moving towards the desired state.
local transitional = {
  Creating = true,
  Deleting = true,
}

local tested = conditions["Tested"]

local verdict = syncVerdict(retryable, "Waiting for the operator to delete the action")
if verdict ~= nil then
  return verdict
end

if ready.status ~= "True" then
  if not transitional[ready.reason] then
    hs.status = "Degraded"
  end
  hs.message = describe(ready, "Not ready: " .. tostring(ready.reason))
  return hs
end

if tested ~= nil and tested.status == "False" then
  hs.status = "Degraded"
  hs.message = describe(tested, "The test of the action failed")
  return hs
end

if synced.status == "True" then
  return healthy(ready, "Published")
end

hs.message = describe(ready, describe(synced, hs.message))
return hs

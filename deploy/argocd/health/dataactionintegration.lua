-- Argo CD health check for dataactions.dev/DataActionIntegration, after common.lua.

-- The reasons common.lua retries; every other reason needs a person (SecretNotFound, InvalidCredentials,
-- QuotaExceeded, Unauthorized, EndpointNotAllowed, InvalidSpec, IntegrationNotFound, ...).
local retryable = retryableWith({})
-- Ready=False reasons that say the platform is still moving towards the desired state.
local transitional = {
  Creating = true,
  Activating = true,
  Deactivating = true,
  Deleting = true,
}

local verdict = syncVerdict(retryable, "Waiting for the operator to delete the integration")
if verdict ~= nil then
  return verdict
end

if ready.status == "False" and not transitional[ready.reason] then
  -- The platform reports the integration in error, or unavailable while the last sync succeeded.
  if ready.reason == "Error" then
    hs.status = "Degraded"
  end
  hs.message = describe(ready, "Not ready: " .. tostring(ready.reason))
  return hs
end

if ready.status == "True" and synced.status == "True" then
  return healthy(ready, "Available")
end

hs.message = describe(ready, describe(synced, hs.message))
return hs

-- Argo CD health check for dataactions.dev/GenesysCloudOrganization, after common.lua.

-- Ready=False reasons the operator retries by itself; any other reason needs a person.
local retryable = {
  RateLimited = true,
  PlatformError = true,
}

if deleting then
  -- The operator keeps an organization until no integration references it; its status says which do.
  hs.message = "Waiting for the integrations that use this organization to be deleted"
  if ready ~= nil and ready.status == "False" then
    hs.message = describe(ready, hs.message)
  end
  return hs
end

if unobserved("Ready") then
  return awaitGeneration()
end

if ready.status == "True" then
  return healthy(ready, "Connected")
end

if ready.status == "False" then
  return settle(ready, "Not ready: ", retryable)
end
hs.message = describe(ready, "Not ready: " .. tostring(ready.reason))
return hs

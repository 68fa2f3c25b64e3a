-- Argo CD health check for dataactions.dev/GenesysCloudOrganization.
-- Runs in gopher-lua (Lua 5.1) without the string library: only base and table functions are used.
-- Source of truth for the argocd-cm snippet (deploy/argocd/argocd-cm-health.yaml is generated from it).
local hs = { status = "Progressing", message = "Waiting for the operator" }

-- Ready=False reasons the operator retries by itself; any other reason needs a person.
local retryable = {
  RateLimited = true,
  PlatformError = true,
}

local function describe(condition, fallback)
  if condition ~= nil and condition.message ~= nil and condition.message ~= "" then
    return condition.message
  end
  return fallback
end

local generation = 0
if obj.metadata ~= nil and obj.metadata.generation ~= nil then
  generation = obj.metadata.generation
end

local ready = nil
if obj.status ~= nil and obj.status.conditions ~= nil then
  for _, condition in ipairs(obj.status.conditions) do
    -- A condition written for an older generation says nothing about the spec Argo CD just applied.
    if condition.type == "Ready" and (condition.observedGeneration == nil or condition.observedGeneration >= generation) then
      ready = condition
    end
  end
end

if obj.metadata ~= nil and obj.metadata.deletionTimestamp ~= nil then
  -- The operator keeps an organization until no integration references it; its status says which do.
  hs.message = "Waiting for the integrations that use this organization to be deleted"
  if ready ~= nil and ready.status == "False" then
    hs.message = describe(ready, hs.message)
  end
  return hs
end

local observed = 0
if obj.status ~= nil and obj.status.observedGeneration ~= nil then
  observed = obj.status.observedGeneration
end
if observed < generation or ready == nil then
  hs.message = "Waiting for the operator to observe generation " .. tostring(generation)
  return hs
end

if ready.status == "True" then
  hs.status = "Healthy"
  hs.message = describe(ready, "Connected")
  return hs
end

hs.message = describe(ready, "Not ready: " .. tostring(ready.reason))
if ready.status == "False" and not retryable[ready.reason] then
  -- Terminal and unknown reasons alike: a reason this script does not know must not hide a fault.
  hs.status = "Degraded"
end
return hs

-- Argo CD health check for dataactions.dev/DataAction.
-- Runs in gopher-lua (Lua 5.1) without the string library: only base and table functions are used.
-- Source of truth for the argocd-cm snippet (deploy/argocd/argocd-cm-health.yaml is generated from it).
local hs = { status = "Progressing", message = "Waiting for the operator" }

-- Synced=False reasons the operator retries by itself; every other reason needs a person (a refused
-- draft, a missing ConfigMap key, a name another action carries, ...).
local retryable = {
  IntegrationNotReady = true,
  OrganizationNotReady = true,
  CreateIncomplete = true,
  RateLimited = true,
  PlatformError = true,
}
-- Ready=False reasons that say the platform is still moving towards the desired state.
local transitional = {
  Creating = true,
  Deleting = true,
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

local function current(condition)
  -- A condition written for an older generation says nothing about the spec Argo CD just applied.
  return condition.observedGeneration == nil or condition.observedGeneration >= generation
end

local ready = nil
local synced = nil
local tested = nil
if obj.status ~= nil and obj.status.conditions ~= nil then
  for _, condition in ipairs(obj.status.conditions) do
    if condition.type == "Ready" and current(condition) then
      ready = condition
    elseif condition.type == "Synced" and current(condition) then
      synced = condition
    elseif condition.type == "Tested" and current(condition) then
      tested = condition
    end
  end
end

if obj.metadata ~= nil and obj.metadata.deletionTimestamp ~= nil then
  hs.message = describe(synced, "Waiting for the operator to delete the action")
  return hs
end

local observed = 0
if obj.status ~= nil and obj.status.observedGeneration ~= nil then
  observed = obj.status.observedGeneration
end
if observed < generation or ready == nil or synced == nil then
  hs.message = "Waiting for the operator to observe generation " .. tostring(generation)
  return hs
end

if synced.status == "False" then
  hs.message = describe(synced, "Not synced: " .. tostring(synced.reason))
  if retryable[synced.reason] then
    return hs
  end
  -- A refused draft leaves the previous version published, but the spec Argo CD applied is not live.
  hs.status = "Degraded"
  return hs
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
  hs.status = "Healthy"
  hs.message = describe(ready, "Published")
  return hs
end

hs.message = describe(ready, describe(synced, hs.message))
return hs

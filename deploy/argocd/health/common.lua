-- The part every kind's health check shares. Argo CD runs each check as one script and a custom check cannot
-- load another, so scripts/gen-install.ts puts this file in front of each kind's file in argocd-cm-health.yaml.
-- Runs in gopher-lua (Lua 5.1) without the string library: only base and table functions are used.
local hs = { status = "Progressing", message = "Waiting for the operator" }

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

-- The conditions by type, only those written for the current generation: one written for an older
-- generation says nothing about the spec Argo CD just applied.
local conditions = {}
if obj.status ~= nil and obj.status.conditions ~= nil then
  for _, condition in ipairs(obj.status.conditions) do
    if condition.observedGeneration == nil or condition.observedGeneration >= generation then
      conditions[condition.type] = condition
    end
  end
end

local ready = conditions["Ready"]
local synced = conditions["Synced"]
local deleting = obj.metadata ~= nil and obj.metadata.deletionTimestamp ~= nil

-- True until the operator has written status for the current generation with each condition named.
local function unobserved(...)
  local observed = 0
  if obj.status ~= nil and obj.status.observedGeneration ~= nil then
    observed = obj.status.observedGeneration
  end
  if observed < generation then
    return true
  end
  for _, name in ipairs({ ... }) do
    if conditions[name] == nil then
      return true
    end
  end
  return false
end

local function awaitGeneration()
  hs.message = "Waiting for the operator to observe generation " .. tostring(generation)
  return hs
end

-- A condition that is False for a reason: Progressing when the operator retries that reason by itself,
-- Degraded for every other reason, known or not, since a reason a check does not know must not hide a fault.
local function settle(condition, fallback, retryable)
  hs.message = describe(condition, fallback .. tostring(condition.reason))
  if not retryable[condition.reason] then
    hs.status = "Degraded"
  end
  return hs
end

-- The Synced=False reasons the operator retries by itself, for the kinds with a Synced condition, and those a
-- kind adds; every other reason needs a person.
local function retryableWith(extra)
  local reasons = { OrganizationNotReady = true, CreateIncomplete = true, RateLimited = true, PlatformError = true }
  for _, reason in ipairs(extra) do
    reasons[reason] = true
  end
  return reasons
end

-- While the operator deletes a resource: why it is stuck when Synced is False, else what Ready says.
local function awaitDeletion(fallback)
  if synced ~= nil and synced.status == "False" then
    hs.message = describe(synced, fallback)
  else
    hs.message = describe(ready, fallback)
  end
  return hs
end

-- The verdict while the resource is being deleted, while Ready and Synced do not yet speak for the current
-- generation, or while Synced is False; nil once the last sync of the current generation succeeded.
local function syncVerdict(retryable, deletionMessage)
  if deleting then
    return awaitDeletion(deletionMessage)
  end
  if unobserved("Ready", "Synced") then
    return awaitGeneration()
  end
  if synced.status == "False" then
    return settle(synced, "Not synced: ", retryable)
  end
  return nil
end

local function healthy(condition, fallback)
  hs.status = "Healthy"
  hs.message = describe(condition, fallback)
  return hs
end

--[[
  Pacing per receiving domain, shared by every worker process: a pause after a 421/451 that
  grows with each new one and is cleared by a success, and a configured rate as a GCRA (a slot
  every `interval` ms, `tolerance` ms of burst). All in one script so that two processes never
  both take the same slot or both count the same refusal as a new one.

  Input:
    KEYS[1..n]  one hash per receiving domain: u = paused until (ms since epoch), k = strikes
                (pauses in a row without a success), t = the rate's next free slot (ms)
    ARGV[1]     operation:
                  peek      every key: where it stands, nothing changed
                  take      KEYS[1] only: book the next slot of its rate, unless paused
                  throttle  KEYS[1] only: a 421/451 from the domain
                  ok        KEYS[1] only: a 250 from the domain: strikes back to 0
    ARGV[2]     now (ms since epoch)
    ARGV[3]     take: interval ms; throttle: first pause ms
    ARGV[4]     take: tolerance ms; throttle: longest pause ms

  Output:
    peek: { u1, k1, u2, k2, ... }, 0 for a field not set
    take: { u, k, slot }: slot is when the booked message may go (at or before now: at once),
          -1 when paused (u > now): nothing booked
    throttle, ok: { u, k }
]]
local op, now = ARGV[1], tonumber(ARGV[2])
-- A domain left alone for an hour past its pause and its slots is forgotten, strikes included.
local KEEP_MS = 3600000

local function read(key)
  local f = redis.call('HMGET', key, 'u', 'k', 't')
  return tonumber(f[1]) or 0, tonumber(f[2]) or 0, tonumber(f[3]) or 0
end

local function write(key, u, k, t)
  redis.call('HSET', key, 'u', u, 'k', k, 't', t)
  redis.call('PEXPIRE', key, math.max(u, t, now) - now + KEEP_MS)
end

if op == 'peek' then
  local out = {}
  for i = 1, #KEYS do
    local u, k = read(KEYS[i])
    out[#out + 1] = u
    out[#out + 1] = k
  end
  return out
end

local key = KEYS[1]
local u, k, t = read(key)

if op == 'take' then
  if u > now then return { u, k, -1 } end
  local interval, tolerance = tonumber(ARGV[3]), tonumber(ARGV[4])
  local tat = math.max(t, now)
  -- Every call books a slot, granted or not: a message told to come back at its slot holds it,
  -- so callers deferred together come back spread out instead of all at once.
  write(key, u, k, tat + interval)
  return { u, k, math.max(tat - tolerance, now) }
end

if op == 'throttle' then
  local first, longest = tonumber(ARGV[3]), tonumber(ARGV[4])
  -- A refusal while the domain is already paused was in flight before the pause began: it is
  -- not a new strike, but its recipient waits a whole pause of the current length from now.
  if u <= now then k = math.min(k + 1, 40) end
  local pause = math.min(first * 2 ^ (math.max(k, 1) - 1), longest)
  u = math.max(u, now + pause)
  write(key, u, k, t)
  return { u, k }
end

if op == 'ok' then
  if k > 0 then write(key, u, 0, t) end
  return { u, 0 }
end

return redis.error_reply('pace-domain: unknown operation ' .. tostring(op))

--[[
  Counts one soft bounce of an address in a score that halves every half-life: a read, the decay
  and the write in one script, so two listeners counting at once lose neither bounce.

  Input:
    KEYS[1]  the soft-bounce hash (address -> "score:seconds of the last bounce")
    ARGV[1]  address
    ARGV[2]  now, whole seconds since the epoch
    ARGV[3]  half-life in seconds

  Output:
    the new score, as a string (e.g. "2.7071")
]]
local now, half = tonumber(ARGV[2]), tonumber(ARGV[3])
local score = 0
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if raw then
  local s, t = string.match(raw, '^([%d%.]+):(%d+)$')
  if s then score = tonumber(s) * math.pow(0.5, math.max(0, now - tonumber(t)) / half) end
end
score = score + 1
local text = string.format('%.4f', score)
redis.call('HSET', KEYS[1], ARGV[1], text .. ':' .. string.format('%d', now))
return text

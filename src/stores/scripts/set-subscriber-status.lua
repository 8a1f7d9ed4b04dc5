--[[
  Moves a subscriber to a status when it is in one of the allowed ones, and makes the active set
  and the subscriber's zone set agree with the status it ends with, whether or not it changed.

  Input:
    KEYS[1]  the subscriber's hash
    KEYS[2]  active ids (set)
    KEYS[3]  zones that have active subscribers (set)
    ARGV[1]  subscriber id
    ARGV[2]  new status
    ARGV[3]  allowed current statuses as ',a,b,' ('' = any)
    ARGV[4]  now (ISO 8601)
    ARGV[5]  zone set key prefix (the zone follows)

  Output:
    the status the record ends with, or false when there is no record
]]
--- @include "zone-index"
local current = redis.call('HGET', KEYS[1], 'status')
if not current then return false end
local final = current
if ARGV[3] == '' or string.find(ARGV[3], ',' .. current .. ',', 1, true) then
  final = ARGV[2]
  if current ~= final then redis.call('HSET', KEYS[1], 'status', final, 'changedAt', ARGV[4]) end
end
local zone = redis.call('HGET', KEYS[1], 'tz') or ''
if final == 'active' then
  redis.call('SADD', KEYS[2], ARGV[1])
  zoneIn(KEYS[3], ARGV[5], zone, ARGV[1])
else
  redis.call('SREM', KEYS[2], ARGV[1])
  zoneOut(KEYS[3], ARGV[5], zone, ARGV[1])
end
return final

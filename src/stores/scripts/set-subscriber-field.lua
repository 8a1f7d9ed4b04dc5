--[[
  Sets or removes one field of a subscriber, stamping changedAt only when it changed; a new zone
  (`tz`) of an active subscriber moves it between the zone sets.

  Input:
    KEYS[1]  the subscriber's hash
    KEYS[2]  zones that have active subscribers (set)
    ARGV[1]  field
    ARGV[2]  value ('' removes the field)
    ARGV[3]  now (ISO 8601)
    ARGV[4]  zone set key prefix (the zone follows)
    ARGV[5]  subscriber id

  Output:
    1 changed, 0 already so, false when there is no record
]]
--- @include "zone-index"
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
local old = redis.call('HGET', KEYS[1], ARGV[1]) or ''
if old == ARGV[2] then return 0 end
if ARGV[1] == 'tz' and redis.call('HGET', KEYS[1], 'status') == 'active' then
  zoneOut(KEYS[2], ARGV[4], old, ARGV[5])
  zoneIn(KEYS[2], ARGV[4], ARGV[2], ARGV[5])
end
if ARGV[2] == '' then redis.call('HDEL', KEYS[1], ARGV[1]) else redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) end
redis.call('HSET', KEYS[1], 'changedAt', ARGV[3])
return 1

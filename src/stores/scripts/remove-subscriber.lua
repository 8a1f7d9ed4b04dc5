--[[
  Erases a subscriber and every index entry (GDPR).

  Input:
    KEYS[1]  address -> id hash
    KEYS[2]  ids by creation time (zset)
    KEYS[3]  active ids (set)
    KEYS[4]  zones that have active subscribers (set)
    ARGV[1]  the address as stored
    ARGV[2]  record key prefix (the id follows)
    ARGV[3]  zone set key prefix (the zone follows)

  Output:
    the erased record as a flat [field, value, ...] list, or false when the address is unknown
]]
--- @include "zone-index"
local id = redis.call('HGET', KEYS[1], ARGV[1])
if not id then return false end
local record = redis.call('HGETALL', ARGV[2] .. id)
zoneOut(KEYS[4], ARGV[3], redis.call('HGET', ARGV[2] .. id, 'tz') or '', id)
redis.call('DEL', ARGV[2] .. id)
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], id)
redis.call('SREM', KEYS[3], id)
return record

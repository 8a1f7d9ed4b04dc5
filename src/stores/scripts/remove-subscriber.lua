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
-- An active subscriber's id is in the set of its zone ('' = no zone of its own: DIGEST_TZ), and
-- a zone with members is in the zones set, so that a local-time send reads each zone's readers
-- without a pass over everyone.
local function zoneIn(zones, zonePrefix, zone, id)
  redis.call('SADD', zonePrefix .. zone, id)
  redis.call('SADD', zones, zone)
end
local function zoneOut(zones, zonePrefix, zone, id)
  local key = zonePrefix .. zone
  if redis.call('SREM', key, id) == 1 and redis.call('SCARD', key) == 0 then
    redis.call('SREM', zones, zone)
  end
end
local id = redis.call('HGET', KEYS[1], ARGV[1])
if not id then return false end
local record = redis.call('HGETALL', ARGV[2] .. id)
zoneOut(KEYS[4], ARGV[3], redis.call('HGET', ARGV[2] .. id, 'tz') or '', id)
redis.call('DEL', ARGV[2] .. id)
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], id)
redis.call('SREM', KEYS[3], id)
return record

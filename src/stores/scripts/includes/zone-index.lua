--[[
  Included by the subscriber scripts (`--- @include "zone-index"`): the zone index.

  An active subscriber's id is in the set of its zone ('' = no zone of its own: DIGEST_TZ), and
  a zone with members is in the zones set, so that a local-time send reads each zone's readers
  without a pass over everyone.
]]
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

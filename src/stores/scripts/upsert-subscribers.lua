--[[
  Adds or updates many addresses in one call (an import sends 500 at a time: one script call
  each, not 500, is what makes 100,000 rows take seconds). The record key of an address already
  indexed is only known here, so records are named from the prefix in ARGV[1]; on Redis Cluster
  that prefix must carry the same {hash-tag} as the keys.

  Input:
    KEYS[1]  address -> id hash
    KEYS[2]  ids by creation time (zset)
    KEYS[3]  active ids (set)
    KEYS[4]  zones that have active subscribers (set)
    ARGV[1]  record key prefix (the id follows)
    ARGV[2]  now (ISO 8601)
    ARGV[3]  now (ms since the epoch)
    ARGV[4]  '1' to update the name and zone of unsubscribed, bounced and complained addresses too
    ARGV[5]  zone set key prefix (the zone follows)
    ARGV[6..] five per row: address, new id, name ('' = not given), zone ('' = not given),
             status if created

  Output:
    a flat list, two per row: outcome (created, updated, unchanged, skipped, or collision when
    the random id is taken: draw another) and the subscriber id ('' on collision)
]]
--- @include "zone-index"
local prefix, now, nowMs, touch, zonePrefix = ARGV[1], ARGV[2], ARGV[3], ARGV[4] == '1', ARGV[5]
local out = {}
for i = 6, #ARGV, 5 do
  local email, newId, name, tz, initial = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], ARGV[i + 4]
  local id = redis.call('HGET', KEYS[1], email)
  local status = false
  local outcome
  if id then
    status = redis.call('HGET', prefix .. id, 'status')
  elseif redis.call('EXISTS', prefix .. newId) == 1 then
    outcome = 'collision'
  else
    id = newId
  end
  if outcome then
    id = ''
  elseif not status then
    -- a new address, or an index entry whose record was lost: (re)create it under that id
    local record = {'id', id, 'email', email, 'status', initial, 'createdAt', now, 'changedAt', now}
    if name ~= '' then record[#record + 1] = 'name'; record[#record + 1] = name end
    if tz ~= '' then record[#record + 1] = 'tz'; record[#record + 1] = tz end
    redis.call('HSET', prefix .. id, unpack(record))
    redis.call('HSET', KEYS[1], email, id)
    redis.call('ZADD', KEYS[2], nowMs, id)
    if initial == 'active' then
      redis.call('SADD', KEYS[3], id)
      zoneIn(KEYS[4], zonePrefix, tz, id)
    else
      redis.call('SREM', KEYS[3], id)
    end
    outcome = 'created'
  elseif (status == 'unsubscribed' or status == 'bounced' or status == 'complained') and not touch then
    outcome = 'skipped'
  else
    local key = prefix .. id
    local old = redis.call('HMGET', key, 'name', 'tz')
    local changed = false
    if name ~= '' and old[1] ~= name then redis.call('HSET', key, 'name', name); changed = true end
    if tz ~= '' and old[2] ~= tz then
      redis.call('HSET', key, 'tz', tz)
      changed = true
      if status == 'active' then
        zoneOut(KEYS[4], zonePrefix, old[2] or '', id)
        zoneIn(KEYS[4], zonePrefix, tz, id)
      end
    end
    if changed then redis.call('HSET', key, 'changedAt', now) end
    outcome = changed and 'updated' or 'unchanged'
  end
  out[#out + 1] = outcome
  out[#out + 1] = id
end
return out

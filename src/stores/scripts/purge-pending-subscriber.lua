--[[
  Erases a signup nobody confirmed once its confirmation window has ended; one that was confirmed
  or asked for again meanwhile is left alone.

  Input:
    KEYS[1]  address -> id hash
    KEYS[2]  ids by creation time (zset)
    KEYS[3]  active ids (set)
    KEYS[4]  pending ids by the end of their confirmation window (zset, ms)
    ARGV[1]  subscriber id
    ARGV[2]  record key prefix (the id follows)
    ARGV[3]  now (ms since the epoch)

  Output:
    1 when the signup was erased, else 0
]]
local id = ARGV[1]
local score = redis.call('ZSCORE', KEYS[4], id)
if score and tonumber(score) > tonumber(ARGV[3]) then return 0 end
redis.call('ZREM', KEYS[4], id)
local key = ARGV[2] .. id
if redis.call('HGET', key, 'status') ~= 'pending' then return 0 end
local email = redis.call('HGET', key, 'email')
redis.call('DEL', key)
if email then redis.call('HDEL', KEYS[1], email) end
redis.call('ZREM', KEYS[2], id)
redis.call('SREM', KEYS[3], id)
return 1

--[[
  Erases a subscriber and every index entry (GDPR).

  Input:
    KEYS[1]  address -> id hash
    KEYS[2]  ids by creation time (zset)
    KEYS[3]  active ids (set)
    ARGV[1]  the address as stored
    ARGV[2]  record key prefix (the id follows)

  Output:
    the erased record as a flat [field, value, ...] list, or false when the address is unknown
]]
local id = redis.call('HGET', KEYS[1], ARGV[1])
if not id then return false end
local record = redis.call('HGETALL', ARGV[2] .. id)
redis.call('DEL', ARGV[2] .. id)
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], id)
redis.call('SREM', KEYS[3], id)
return record

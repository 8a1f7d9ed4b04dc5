--[[
  Sets or removes one field of a subscriber, stamping changedAt only when it changed.

  Input:
    KEYS[1]  the subscriber's hash
    ARGV[1]  field
    ARGV[2]  value ('' removes the field)
    ARGV[3]  now (ISO 8601)

  Output:
    1 changed, 0 already so, false when there is no record
]]
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
if (redis.call('HGET', KEYS[1], ARGV[1]) or '') == ARGV[2] then return 0 end
if ARGV[2] == '' then redis.call('HDEL', KEYS[1], ARGV[1]) else redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) end
redis.call('HSET', KEYS[1], 'changedAt', ARGV[3])
return 1

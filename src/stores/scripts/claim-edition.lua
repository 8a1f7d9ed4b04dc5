--[[
  Claims the newest candidate articles for a new edition in one step, so that two sends at once
  never put one article in two editions.

  Input:
    KEYS[1]  candidates (zset by publication time)
    KEYS[2]  articles already in an edition (set)
    KEYS[3]  the new edition's hash
    KEYS[4]  editions by date (zset)
    ARGV[1]  edition id
    ARGV[2]  how many articles at most
    ARGV[3]  now (ISO 8601)
    ARGV[4]  now (ms since the epoch)

  Output:
    the article ids claimed, newest first (empty: nothing to claim), or false when an edition
    of that id already exists
]]
if redis.call('EXISTS', KEYS[3]) == 1 then return false end
local ids = redis.call('ZREVRANGE', KEYS[1], 0, tonumber(ARGV[2]) - 1)
if #ids == 0 then return ids end
for _, id in ipairs(ids) do
  redis.call('ZREM', KEYS[1], id)
  redis.call('SADD', KEYS[2], id)
end
redis.call('HSET', KEYS[3], 'id', ARGV[1], 'createdAt', ARGV[3], 'articleIds', cjson.encode(ids), 'status', 'created', 'sends', 0)
redis.call('ZADD', KEYS[4], ARGV[4], ARGV[1])
return ids

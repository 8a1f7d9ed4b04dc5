import { createHash } from 'node:crypto';
import type { ChainableCommander } from 'ioredis';
import { errorMessage } from '../errors.js';
import type { Redis } from '../redis.js';

/*
 * The record key of an address already indexed is only known inside the script, so the scripts
 * build it from a prefix passed in ARGV. That is safe on Redis Cluster only with a `{hash-tag}`
 * prefix, which keys.ts already asks of every script of ours.
 */

/**
 * KEYS: by-email hash, by-created zset, active set, record key of the proposed new id.
 * ARGV: email, new id, record key prefix, name ('' = not given), tz ('' = not given),
 *       status if created, now ISO, now ms, '1' to update name/tz of unsubscribed/bounced too.
 * Returns {outcome, id}; 'collision' when the random id is taken (the caller draws another).
 */
export const UPSERT = `
local id = redis.call('HGET', KEYS[1], ARGV[1])
local key = KEYS[4]
if id then
  key = ARGV[3] .. id
else
  if redis.call('EXISTS', key) == 1 then return {'collision', ''} end
  id = ARGV[2]
end
local status = redis.call('HGET', key, 'status')
if not status then
  -- a new address, or an index entry whose record was lost: (re)create it under that id
  redis.call('HSET', key, 'id', id, 'email', ARGV[1], 'status', ARGV[6],
    'createdAt', ARGV[7], 'changedAt', ARGV[7])
  if ARGV[4] ~= '' then redis.call('HSET', key, 'name', ARGV[4]) end
  if ARGV[5] ~= '' then redis.call('HSET', key, 'tz', ARGV[5]) end
  redis.call('HSET', KEYS[1], ARGV[1], id)
  redis.call('ZADD', KEYS[2], ARGV[8], id)
  if ARGV[6] == 'active' then redis.call('SADD', KEYS[3], id) else redis.call('SREM', KEYS[3], id) end
  return {'created', id}
end
if (status == 'unsubscribed' or status == 'bounced') and ARGV[9] ~= '1' then
  return {'skipped', id}
end
local changed = false
for i, field in ipairs({'name', 'tz'}) do
  local value = ARGV[3 + i]
  if value ~= '' and redis.call('HGET', key, field) ~= value then
    redis.call('HSET', key, field, value)
    changed = true
  end
end
if changed then
  redis.call('HSET', key, 'changedAt', ARGV[7])
  return {'updated', id}
end
return {'unchanged', id}
`;

/**
 * KEYS: record, active set. ARGV: id, new status, ',allowed,current,statuses,' ('' = any), now ISO.
 * Returns the status the record ends with, or nil when there is no record. The active set is made
 * to agree with that status whether or not it changed.
 */
export const SET_STATUS = `
local current = redis.call('HGET', KEYS[1], 'status')
if not current then return false end
local final = current
if ARGV[3] == '' or string.find(ARGV[3], ',' .. current .. ',', 1, true) then
  final = ARGV[2]
  if current ~= final then redis.call('HSET', KEYS[1], 'status', final, 'changedAt', ARGV[4]) end
end
if final == 'active' then redis.call('SADD', KEYS[2], ARGV[1]) else redis.call('SREM', KEYS[2], ARGV[1]) end
return final
`;

/** KEYS: record. ARGV: field, value ('' removes it), now ISO. Returns 1 changed, 0 same, nil absent. */
export const SET_FIELD = `
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
if (redis.call('HGET', KEYS[1], ARGV[1]) or '') == ARGV[2] then return 0 end
if ARGV[2] == '' then redis.call('HDEL', KEYS[1], ARGV[1]) else redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) end
redis.call('HSET', KEYS[1], 'changedAt', ARGV[3])
return 1
`;

/** KEYS: by-email, by-created, active. ARGV: email, record key prefix. Returns the erased record. */
export const REMOVE = `
local id = redis.call('HGET', KEYS[1], ARGV[1])
if not id then return false end
local record = redis.call('HGETALL', ARGV[2] .. id)
redis.call('DEL', ARGV[2] .. id)
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], id)
redis.call('SREM', KEYS[3], id)
return record
`;

export interface LuaScript {
  run(redis: Redis, keys: string[], args: (string | number)[]): Promise<unknown>;
  /** Queues a call; the pipeline must have had `load` queued first. */
  queue(pipeline: ChainableCommander, keys: string[], args: (string | number)[]): void;
  load(pipeline: ChainableCommander): void;
}

/** EVALSHA, falling back to EVAL once when Redis does not have the script (after a restart). */
export function luaScript(source: string): LuaScript {
  const sha = createHash('sha1').update(source).digest('hex');
  return {
    async run(redis, keys, args) {
      try {
        return await redis.evalsha(sha, keys.length, ...keys, ...args);
      } catch (err) {
        if (!errorMessage(err).startsWith('NOSCRIPT')) throw err;
        return redis.eval(source, keys.length, ...keys, ...args);
      }
    },
    queue(pipeline, keys, args) {
      pipeline.evalsha(sha, keys.length, ...keys, ...args);
    },
    load(pipeline) {
      // In the same pipeline, on the same connection, so it precedes every EVALSHA queued after.
      pipeline.script('LOAD', source);
    },
  };
}

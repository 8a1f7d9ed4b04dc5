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
 * Adds or updates many addresses in one call (an import sends 500 at a time: one script call
 * each, not 500, is what makes 100,000 rows take seconds).
 * KEYS: by-email hash, by-created zset, active set.
 * ARGV: record key prefix, now ISO, now ms, '1' to update name/tz of unsubscribed/bounced too,
 *       then five per row: email, new id, name ('' = not given), tz ('' = not given), status if
 *       created.
 * Returns outcome and id per row, flat; 'collision' when the random id is taken (draw another).
 */
export const UPSERT = `
local prefix, now, nowMs, touch = ARGV[1], ARGV[2], ARGV[3], ARGV[4] == '1'
local out = {}
for i = 5, #ARGV, 5 do
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
    if initial == 'active' then redis.call('SADD', KEYS[3], id) else redis.call('SREM', KEYS[3], id) end
    outcome = 'created'
  elseif (status == 'unsubscribed' or status == 'bounced') and not touch then
    outcome = 'skipped'
  else
    local key = prefix .. id
    local old = redis.call('HMGET', key, 'name', 'tz')
    local changed = false
    if name ~= '' and old[1] ~= name then redis.call('HSET', key, 'name', name); changed = true end
    if tz ~= '' and old[2] ~= tz then redis.call('HSET', key, 'tz', tz); changed = true end
    if changed then redis.call('HSET', key, 'changedAt', now) end
    outcome = changed and 'updated' or 'unchanged'
  end
  out[#out + 1] = outcome
  out[#out + 1] = id
end
return out
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

/**
 * Removes a pending subscriber whose confirmation window (its score in the pending zset, KEYS[4])
 * ended before ARGV[3]; one that was confirmed or asked again meanwhile is left alone.
 */
export const PURGE_PENDING = `
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

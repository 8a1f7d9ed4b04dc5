import { randomBytes } from 'node:crypto';
import { createRedis, type Redis } from '../../src/runtime/redis.js';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A prefix no other test (or run) uses, so tests can share one Redis and run in parallel. */
export function uniquePrefix(label = 't'): string {
  return `gztest-${label}-${randomBytes(4).toString('hex')}`;
}

/** Deletes every key under `prefix:` (ours and BullMQ's alike). */
export async function deletePrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) await redis.unlink(...keys);
  } while (cursor !== '0');
}

export interface TestRedis {
  redis: Redis;
  prefix: string;
  cleanup(): Promise<void>;
}

export function testRedis(label?: string): TestRedis {
  const redis = createRedis(REDIS_URL);
  const prefix = uniquePrefix(label);
  return {
    redis,
    prefix,
    async cleanup() {
      await deletePrefix(redis, prefix);
      await redis.quit();
    },
  };
}

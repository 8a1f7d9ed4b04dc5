import { randomBytes } from 'node:crypto';
import { Cluster } from 'ioredis';
import { createRedis, type Redis } from '../../src/runtime/redis.js';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A prefix no other test (or run) uses, so tests can share one Redis and run in parallel. */
export function uniquePrefix(label = 't'): string {
  return `gztest-${label}-${randomBytes(4).toString('hex')}`;
}

/**
 * Deletes every key under `prefix:` (ours and BullMQ's alike). On a Cluster, every key whose hash
 * tag is `{prefix}` or starts `{prefix:` (stores/keys.ts): each primary is scanned (SCAN sees one
 * node's keys) and each key unlinked alone (no multi-key command across slots).
 */
export async function deletePrefix(redis: Redis, prefix: string): Promise<void> {
  const pattern = redis instanceof Cluster ? `{${prefix}[:}]*` : `${prefix}:*`;
  const nodes = redis instanceof Cluster ? redis.nodes('master') : [redis];
  for (const node of nodes) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      if (keys.length && node === redis) await redis.unlink(...keys);
      else await Promise.all(keys.map((k) => redis.unlink(k)));
    } while (cursor !== '0');
  }
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

import { describe, expect, it } from 'vitest';
import { createRedis, waitForRedis, type RedisTarget } from '../../src/runtime/redis.js';
import { freePort } from '../helpers/redis-server.js';

describe('createRedis under Sentinel', () => {
  it('names the sentinels and the master when none answers, never the password', async () => {
    const port = await freePort();
    const target: RedisTarget = {
      kind: 'sentinel',
      sentinels: [{ host: '127.0.0.1', port }],
      name: 'mymaster',
      password: 'hunter2-secret',
      db: 0,
    };
    const redis = createRedis(target);
    redis.on('error', () => {});
    try {
      const err = await waitForRedis(redis, target, 500).catch((e: unknown) => e as Error);
      expect(err).toBeInstanceOf(Error);
      expect((err as Error).message).toContain(
        `cannot reach Redis at sentinel 127.0.0.1:${port} (master mymaster)`,
      );
      expect((err as Error).message).not.toContain('hunter2');
    } finally {
      redis.disconnect();
    }
  });
});

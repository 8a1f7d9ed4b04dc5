import { describe, expect, it } from 'vitest';
import { createRedis, waitForRedis, type RedisTarget } from '../../src/runtime/redis.js';
import { freePort } from '../helpers/redis-server.js';

describe('createRedis under Sentinel and Cluster', () => {
  const targets: [string, (port: number) => RedisTarget, (port: number) => string][] = [
    [
      'the sentinels and the master',
      (port) => ({
        kind: 'sentinel',
        sentinels: [{ host: '127.0.0.1', port }],
        name: 'mymaster',
        password: 'hunter2-secret',
        db: 0,
      }),
      (port) => `cannot reach Redis at sentinel 127.0.0.1:${port} (master mymaster)`,
    ],
    [
      'the cluster nodes',
      (port) => ({
        kind: 'cluster',
        nodes: [{ host: '127.0.0.1', port }],
        password: 'hunter2-secret',
      }),
      (port) => `cannot reach Redis at cluster 127.0.0.1:${port}`,
    ],
  ];

  it.each(targets)('names %s when none answers, never the password', async (_, make, says) => {
    const port = await freePort();
    const target = make(port);
    const redis = createRedis(target);
    redis.on('error', () => {});
    try {
      const err = await waitForRedis(redis, target, 500).catch((e: unknown) => e as Error);
      expect(err).toBeInstanceOf(Error);
      expect((err as Error).message).toContain(says(port));
      expect((err as Error).message).not.toContain('hunter2');
    } finally {
      redis.disconnect();
    }
  });
});

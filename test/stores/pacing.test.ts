import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPacingStore, type PacingStore } from '../../src/stores/pacing.js';
import { testRedis, type TestRedis } from '../helpers/redis.js';

describe('pacing store (pace-domain.lua)', () => {
  let r: TestRedis;
  let store: PacingStore;
  const T = 1_800_000_000_000;
  beforeEach(() => {
    r = testRedis('pace');
    store = createPacingStore({ redis: r.redis, prefix: r.prefix });
  });
  afterEach(() => r.cleanup());

  it('a 421 pauses the domain, each new one doubles the pause up to the longest, a 250 starts it over', async () => {
    expect(await store.peek(['slow.example', 'fast.example'], T)).toEqual([
      { until: 0, strikes: 0 },
      { until: 0, strikes: 0 },
    ]);
    expect(await store.throttle('slow.example', T, 100, 350)).toEqual({
      until: T + 100,
      strikes: 1,
    });
    // Refused while already paused: in flight before the pause, not a new strike; the pause
    // still lasts a whole current pause from now.
    expect(await store.throttle('slow.example', T + 50, 100, 350)).toEqual({
      until: T + 150,
      strikes: 1,
    });
    expect(await store.throttle('slow.example', T + 200, 100, 350)).toEqual({
      until: T + 400,
      strikes: 2,
    });
    expect(await store.throttle('slow.example', T + 400, 100, 350)).toEqual({
      until: T + 750,
      strikes: 3,
    });
    expect(await store.peek(['fast.example', 'slow.example'], T + 500)).toEqual([
      { until: 0, strikes: 0 },
      { until: T + 750, strikes: 3 },
    ]);
    // Paused: a rated take books nothing.
    expect(await store.take('slow.example', T + 500, 10, 0)).toMatchObject({ slot: undefined });
    expect(await store.succeeded('slow.example', T + 800)).toEqual({ until: T + 750, strikes: 0 });
    expect(await store.throttle('slow.example', T + 900, 100, 350)).toEqual({
      until: T + 1000,
      strikes: 1,
    });
    // Forgotten an hour after the pause.
    const ttl = await r.redis.pttl(`${r.prefix}:db:pace:slow.example`);
    expect(ttl).toBeGreaterThan(3_500_000);
  });

  it('a rate books one slot per call, each `interval` after the last, with the burst allowed', async () => {
    const slots: (number | undefined)[] = [];
    for (let i = 0; i < 5; i++) slots.push((await store.take('rated.example', T, 100, 200)).slot);
    // Three at once (the burst: 200 ms of tolerance at 100 ms each), then one every 100 ms.
    expect(slots).toEqual([T, T, T, T + 100, T + 200]);
    // Later, the bucket has refilled.
    expect((await store.take('rated.example', T + 5_000, 100, 200)).slot).toBe(T + 5_000);
  });
});

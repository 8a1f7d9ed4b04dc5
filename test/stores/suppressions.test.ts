import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSuppressionStore } from '../../src/stores/suppressions.js';
import { deletePrefix, testRedis, type TestRedis } from '../helpers/redis.js';

describe('the suppression list', () => {
  let t: TestRedis;
  beforeAll(() => {
    t = testRedis('supp');
  });
  afterAll(() => t.cleanup());

  it('keyed by the stored form of the address; getMany lines up with its input', async () => {
    const s = createSuppressionStore({ redis: t.redis, prefix: t.prefix });
    await s.add('Ann@Example.COM', 'complaint', 'arf', { now: new Date('2026-02-01T00:00:00Z') });
    expect(await s.getMany(['x@example.com', 'ann@example.com', ''])).toEqual([
      undefined,
      {
        email: 'ann@example.com',
        reason: 'complaint',
        source: 'arf',
        at: '2026-02-01T00:00:00.000Z',
      },
      undefined,
    ]);
    expect(await s.remove('ANN@example.com')).toBe(true);
    expect(await s.get('ann@example.com')).toBe(undefined);
  });

  it('soft bounces: four in four days suppress (score past 3, halving weekly); spread over weeks they decay and do not', async () => {
    const s = createSuppressionStore({ redis: t.redis, prefix: t.prefix });
    const day = (n: number) => new Date(Date.UTC(2026, 1, 1 + n));
    const burst = [];
    for (const n of [0, 1, 2])
      burst.push(await s.softBounce('full@example.org', 'dsn', { now: day(n) }));
    expect(burst.map((b) => b.suppressed)).toEqual([false, false, false]);
    expect(burst[2]!.score).toBeCloseTo(1 + 0.5 ** (1 / 7) + 0.5 ** (2 / 7) * 1, 1);
    const fourth = await s.softBounce('full@example.org', 'dsn', { now: day(3) });
    expect(fourth.suppressed).toBe(true);
    expect(await s.get('full@example.org')).toMatchObject({ reason: 'soft-bounce', source: 'dsn' });

    const spread = [];
    for (const n of [0, 21, 42, 63])
      spread.push(await s.softBounce('slow@example.org', 'dsn', { now: day(n) }));
    expect(spread.every((b) => !b.suppressed && b.score < 1.2)).toBe(true);
    expect(await s.get('slow@example.org')).toBe(undefined);
  });

  it("counts bounces and complaints as they are recorded, by kind and source; an operator's entries are no event", async () => {
    const prefix = `${t.prefix}-events`;
    const s = createSuppressionStore({ redis: t.redis, prefix });
    expect(await s.events()).toEqual({ bounces: [], complaints: [] });
    await s.add('a@example.org', 'hard-bounce', 'smtp');
    await s.add('b@example.org', 'hard-bounce', 'dsn');
    await s.add('b@example.org', 'hard-bounce', 'dsn');
    await s.add('c@example.org', 'complaint', 'arf');
    await s.softBounce('d@example.org', 'dsn');
    await s.add('e@example.org', 'complaint', 'cli');
    await s.add('f@example.org', 'manual', 'admin');
    const e = await s.events();
    expect(
      e.bounces.sort((x, y) => `${x.kind}${x.source}`.localeCompare(`${y.kind}${y.source}`)),
    ).toEqual([
      { kind: 'hard', source: 'dsn', count: 2 },
      { kind: 'hard', source: 'smtp', count: 1 },
      { kind: 'soft', source: 'dsn', count: 1 },
    ]);
    expect(e.complaints).toEqual([{ source: 'arf', count: 1 }]);
    await deletePrefix(t.redis, prefix);
  });
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Pacer } from '../../src/jobs/deliver/pacer.js';
import { createPacingStore } from '../../src/stores/pacing.js';
import { testRedis, type TestRedis } from '../helpers/redis.js';

/** Two pacers on one Redis prefix stand for two worker processes. */
describe('Pacer: one pacing state for every process', () => {
  let r: TestRedis;
  let now = 1_800_000_000_000;
  const clock = () => now;
  const pacer = (domainRates: Record<string, number> = {}) =>
    new Pacer(
      createPacingStore({ redis: r.redis, prefix: r.prefix }),
      { throttleMs: 1000, throttleMaxMs: 4000, domainRates },
      clock,
    );
  beforeEach(() => {
    r = testRedis('pacer');
  });
  afterEach(() => r.cleanup());

  it("a 421 seen by one process pauses that domain for the other's next batch, and only that domain", async () => {
    const [a, b] = [pacer(), pacer()];
    await b.prepare(['slow.example', 'fast.example']);
    expect(await b.admit('slow.example')).toEqual({ go: true });
    expect(await a.throttled('slow.example')).toBe(now + 1000);
    expect(await a.admit('slow.example')).toEqual({ go: false, at: now + 1000, booked: false });
    await b.prepare(['slow.example', 'fast.example']);
    expect(await b.admit('slow.example')).toEqual({ go: false, at: now + 1000, booked: false });
    expect(await b.admit('fast.example')).toEqual({ go: true });
    // After the pause: offered again; another refusal doubles the pause, a success resets it.
    now += 1000;
    expect(await b.admit('slow.example')).toEqual({ go: true });
    expect(await b.throttled('slow.example')).toBe(now + 2000);
    now += 2000;
    await a.prepare(['slow.example']);
    await a.succeeded('slow.example');
    expect(await a.throttled('slow.example')).toBe(now + 1000);
  });

  it('DOMAIN_RATES: two processes share one rate; a message told to wait holds a booked slot', async () => {
    const rates = { 'rated.example': 10 };
    const [a, b] = [pacer(rates), pacer(rates)];
    const admissions = [];
    for (let i = 0; i < 3; i++) {
      admissions.push(await a.admit('rated.example'));
      admissions.push(await b.admit('rated.example'));
    }
    // 10/s, a burst of one: the first at once, then a slot every 100 ms, whichever process asks.
    expect(admissions).toEqual([
      { go: true },
      ...[100, 200, 300, 400, 500].map((ms) => ({ go: false, at: now + ms, booked: true })),
    ]);
    // Back at its slot with the booking: it goes without taking another. Much later, the
    // booking is stale and a new slot is taken.
    now += 500;
    expect(await a.admit('rated.example', now)).toEqual({ go: true });
    expect(await a.admit('rated.example', now - 1000)).toEqual({
      go: false,
      at: now + 100,
      booked: true,
    });
    // Unrated domains never touch the rate.
    expect(await b.admit('other.example')).toEqual({ go: true });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageIdFor } from '../../src/domain/mail/ids.js';
import { createDeliveryStore, type DeliveryState } from '../../src/stores/deliveries.js';
import { createKeys } from '../../src/stores/keys.js';
import { testRedis, type TestRedis } from '../helpers/redis.js';

const collect = async (gen: AsyncGenerator<string[]>) => {
  const ids: string[] = [];
  for await (const batch of gen) ids.push(...batch);
  return ids.sort();
};

describe('delivery records', () => {
  let t: TestRedis;
  beforeAll(() => {
    t = testRedis('deliv');
  });
  afterAll(() => t.cleanup());

  it('stored compactly (numbers for times, the derived Message-ID as its domain, no owner once sent), read back whole', async () => {
    const d = createDeliveryStore({ redis: t.redis, prefix: t.prefix });
    const keys = createKeys(t.prefix);
    const at = (s: number) => new Date(Date.UTC(2026, 11, 1, 7, 0, s));
    const messageId = messageIdFor('e1', 'sub-a', 'news.example');
    expect(await d.enqueueNew('e1', ['sub-a', 'sub-b'], at(0))).toEqual(['sub-a', 'sub-b']);
    await d.transition(
      'e1',
      'sub-a',
      ['queued'],
      'sending',
      { countAttempt: true, owner: 'job/1' },
      at(1),
    );
    expect((await d.get('e1', 'sub-a'))?.owner).toBe('job/1');
    await d.transition(
      'e1',
      'sub-a',
      ['sending'],
      'sent',
      { messageId, response: '250 2.0.0 Ok: queued as X1', stampSent: true },
      at(2),
    );
    const raw = JSON.parse((await t.redis.hget(keys.delivery('e1'), 'sub-a'))!) as Record<
      string,
      unknown
    >;
    expect(raw).toEqual({
      s: 'sent',
      a: 1,
      q: at(0).getTime(),
      t: at(2).getTime(),
      m: '@news.example',
      r: '250 2.0.0 Ok: queued as X1',
    });
    expect(await d.get('e1', 'sub-a')).toEqual({
      state: 'sent',
      attempts: 1,
      messageId,
      response: '250 2.0.0 Ok: queued as X1',
      queuedAt: at(0).toISOString(),
      updatedAt: at(2).toISOString(),
      sentAt: at(2).toISOString(),
    });
    // A Message-ID we did not derive is kept as it came.
    await d.transition(
      'e1',
      'sub-b',
      ['queued'],
      'bounced',
      { messageId: '<other@x.example>', lastError: '550 no' },
      at(3),
    );
    expect((await d.get('e1', 'sub-b'))?.messageId).toBe('<other@x.example>');
    // Resent later: sentAt stays when the record leaves `sent`.
    await d.transition(
      'e1',
      'sub-a',
      ['sent'],
      'queued',
      { countResend: true, queuedBefore: at(5) },
      at(4),
    );
    expect(await d.get('e1', 'sub-a')).toMatchObject({
      state: 'queued',
      sentAt: at(2).toISOString(),
      queuedAt: at(4).toISOString(),
      resends: 1,
    });
    // The bulk states have no set; the exceptions do; the summary counts them all.
    expect(
      await t.redis.exists(keys.deliveryState('e1', 'queued'), keys.deliveryState('e1', 'sent')),
    ).toBe(0);
    expect(await t.redis.smembers(keys.deliveryState('e1', 'bounced'))).toEqual(['sub-b']);
    expect(await collect(d.scanState('e1', 'queued'))).toEqual(['sub-a']);
    expect(await collect(d.scanState('e1', 'bounced'))).toEqual(['sub-b']);
    const s = await d.summary('e1');
    expect(s).toMatchObject({
      expired: false,
      firstSentAt: at(2).toISOString(),
      lastSentAt: at(2).toISOString(),
    });
    expect(s.counts).toMatchObject({ queued: 1, sent: 0, bounced: 1, total: 2 });
  });

  it('reads records written before the compact form, and takes such an edition over with exact counts', async () => {
    const d = createDeliveryStore({ redis: t.redis, prefix: t.prefix });
    const keys = createKeys(t.prefix);
    const old = (s: DeliveryState, extra: object = {}) =>
      JSON.stringify({
        s,
        a: 1,
        q: '2026-11-01T07:00:00.000Z',
        t: '2026-11-01T07:00:05.000Z',
        ...extra,
      });
    await t.redis.hset(keys.delivery('old'), {
      a: old('sent', { d: '2026-11-01T07:00:05.000Z', m: '<full@news.example>', j: 'job/1' }),
      b: old('failed', { e: '421 busy' }),
      c: old('sent', { d: '2026-11-01T07:00:05.000Z' }),
      q: old('queued'),
    });
    await t.redis.sadd(keys.deliveryState('old', 'sent'), 'a', 'c');
    await t.redis.sadd(keys.deliveryState('old', 'failed'), 'b');
    await t.redis.sadd(keys.deliveryState('old', 'queued'), 'q');
    expect(await d.get('old', 'a')).toMatchObject({
      state: 'sent',
      messageId: '<full@news.example>',
      sentAt: '2026-11-01T07:00:05.000Z',
      queuedAt: '2026-11-01T07:00:00.000Z',
    });
    expect(await d.counts('old')).toMatchObject({ sent: 2, failed: 1, queued: 1, total: 4 });
    // The resend guard compares an old ISO time with the request's time.
    const later = new Date('2026-12-01T00:00:00Z');
    expect(
      await d.transition('old', 'b', ['failed'], 'queued', { queuedBefore: later }, later),
    ).toBe('failed');
    expect(
      await d.transition('old', 'c', ['sent'], 'queued', {
        queuedBefore: new Date('2026-10-01T00:00:00Z'),
      }),
    ).toBe(undefined);
    // The first write started the summary from the old sets: counts stay exact from then on.
    expect(await d.counts('old')).toMatchObject({ sent: 2, failed: 0, queued: 2, total: 4 });
    expect(await collect(d.scanState('old', 'sent'))).toEqual(['a', 'c']);
    expect(await collect(d.scanState('old', 'queued'))).toEqual(['b', 'q']);
  });

  it('expire RECORD_TTL after the last write; the summary stays and says so', async () => {
    const d = createDeliveryStore({ redis: t.redis, prefix: t.prefix, recordTtlMs: 400 });
    const keys = createKeys(t.prefix);
    const ids = Array.from({ length: 20 }, (_, i) => `s${i}`);
    await d.enqueueNew('short', ids);
    for (const id of ids.slice(0, 17))
      await d.transition('short', id, ['queued'], 'sent', { stampSent: true });
    await d.transition('short', 's17', ['queued'], 'failed', { lastError: 'x' });
    await d.transition('short', 's18', ['queued'], 'bounced', { lastError: 'y' });
    await d.transition('short', 's19', ['queued'], 'uncertain', { lastError: 'z' });
    for (const key of [keys.delivery('short'), keys.deliveryState('short', 'failed')]) {
      const ttl = await t.redis.pttl(key);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(400);
    }
    expect(await t.redis.pttl(keys.deliverySummary('short'))).toBe(-1);
    const before = await d.summary('short');
    expect(before.expired).toBe(false);
    const deadline = Date.now() + 10_000;
    while ((await t.redis.exists(keys.delivery('short'))) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    expect(
      await t.redis.exists(keys.delivery('short'), keys.deliveryState('short', 'failed')),
    ).toBe(0);
    expect(await d.get('short', 's0')).toBe(undefined);
    const after = await d.summary('short');
    expect(after).toEqual({ ...before, expired: true });
    expect(after.counts).toMatchObject({
      sent: 17,
      failed: 1,
      bounced: 1,
      uncertain: 1,
      total: 20,
    });
    expect(after.firstSentAt).toBeDefined();
  });

  it('kept for ever with no TTL', async () => {
    const d = createDeliveryStore({ redis: t.redis, prefix: t.prefix });
    await d.enqueueNew('forever', ['x']);
    expect(await t.redis.pttl(createKeys(t.prefix).delivery('forever'))).toBe(-1);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendEdition } from '../../src/operations/send.js';
import { statusReport } from '../../src/operations/status.js';
import { createDeliveryStore } from '../../src/stores/deliveries.js';
import { createKeys } from '../../src/stores/keys.js';
import { testPipeline, type TestPipeline } from '../helpers/pipeline.js';

describe('an edition whose delivery records have expired (RECORD_TTL_DAYS)', () => {
  let t: TestPipeline;
  beforeAll(async () => {
    t = await testPipeline();
  });
  afterAll(() => t.cleanup());

  it('status shows the summary kept of it; send --edition refuses to mail everyone again', async () => {
    const { redis, config } = t.ctx;
    const keys = createKeys(config.prefix);
    await redis.hset(keys.edition('old'), {
      id: 'old',
      createdAt: '2026-09-01T07:00:00.000Z',
      articleIds: '[]',
      status: 'rendered',
    });
    // The same records the workers write, with a TTL of a moment instead of days.
    const short = createDeliveryStore({ redis, prefix: config.prefix, recordTtlMs: 300 });
    await short.enqueueNew('old', ['a', 'b', 'c']);
    await short.transition('old', 'a', ['queued'], 'sent', { stampSent: true });
    await short.transition('old', 'b', ['queued'], 'sent', { stampSent: true });
    await short.transition('old', 'c', ['queued'], 'bounced', { lastError: '550 gone' });
    const live = (await statusReport(t.ctx, 'old')).editions[0]!;
    expect(live).toMatchObject({ recordsExpired: false, deliveries: { sent: 2, bounced: 1 } });

    const deadline = Date.now() + 10_000;
    while ((await redis.exists(keys.delivery('old'))) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    const gone = (await statusReport(t.ctx, 'old')).editions[0]!;
    expect(gone).toMatchObject({
      recordsExpired: true,
      deliveries: { sent: 2, bounced: 1, total: 3 },
      sentFrom: live.sentFrom,
      sentUntil: live.sentUntil,
      rates: { bounceRate: 0.333333 },
    });
    expect(gone.sentFrom).toEqual(expect.any(String));
    await expect(
      sendEdition(t.ctx, { editionId: 'old', schedule: { mode: 'now' } }),
    ).rejects.toThrow(/expired \(RECORD_TTL_DAYS\)/);
    expect(await t.ctx.queues.edition.count()).toBe(0);
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { waitForEdition } from '../../src/operations/progress.js';
import { parseVerpAddress } from '../../src/domain/mail/verp.js';
import { rawHeader, startSmtpSink, type SinkOptions, type SmtpSink } from '../helpers/smtp.js';
import { sampleWire, TEST_SECRET, testPipeline, type TestPipeline } from '../helpers/pipeline.js';

describe('delivery against a real SMTP server', () => {
  let t: TestPipeline;
  let sink: SmtpSink;
  afterEach(async () => {
    await t?.cleanup();
    await sink?.close();
  });

  /** Subscribers, one article, workers; returns the edition once all its work has ended. */
  async function deliver(
    subscribers: number,
    sinkOpts: SinkOptions,
    env: Record<string, string> = {},
  ) {
    sink = await startSmtpSink(sinkOpts);
    t = await testPipeline({
      SMTP_URL: sink.url,
      SMTP_THROTTLE_MS: '200',
      SMTP_TIMEOUT_MS: '2000',
      ...env,
    });
    const ids = await t.addSubscribers(subscribers);
    await t.writeArticle(
      'harbour.txt',
      sampleWire('The harbour reopened on Monday, after a week of storms.'),
    );
    t.startWorkers();
    const editionId = await t.publish();
    const progress = await waitForEdition(t.ctx, editionId, { timeoutMs: 15_000, intervalMs: 50 });
    return { editionId, ids, progress };
  }

  it('BOUNCE_DOMAIN: each copy has its own VERP envelope sender, naming its edition and reader', async () => {
    const { editionId, ids, progress } = await deliver(
      3,
      {},
      { BOUNCE_DOMAIN: 'bounces.news.example' },
    );
    expect(progress).toMatchObject({ sent: 3 });
    const named = sink.received.map((m) => ({
      to: m.to[0],
      ...parseVerpAddress(m.from, TEST_SECRET),
    }));
    expect(named.sort((a, b) => a.to!.localeCompare(b.to!))).toEqual(
      ids.map((subscriberId, i) => ({ to: `reader${i}@example.org`, editionId, subscriberId })),
    );
    for (const m of sink.received) expect(m.from).toMatch(/@bounces\.news\.example$/);
    const [mail] = await sink.parsed();
    expect(rawHeader(mail!, 'Feedback-ID')).toMatch(
      new RegExp(`^${editionId}:gazette\\.news\\.example:gazette:news\\.example$`),
    );
  });

  it('the suppression list is checked before every send; a 550 adds its address to it', async () => {
    sink = await startSmtpSink({
      onRcpt: (address) =>
        address.startsWith('reader2@') ? { code: 550, message: '5.1.1 No such user' } : undefined,
    });
    t = await testPipeline({ SMTP_URL: sink.url, SMTP_TIMEOUT_MS: '2000' });
    const ids = await t.addSubscribers(3);
    await t.ctx.suppressions.add('Reader0@example.org', 'complaint', 'arf');
    await t.writeArticle('harbour.txt', sampleWire('The harbour reopened on Monday.'));
    t.startWorkers();
    const editionId = await t.publish();
    const progress = await waitForEdition(t.ctx, editionId, { timeoutMs: 15_000, intervalMs: 50 });
    expect(progress).toMatchObject({ sent: 1, bounced: 1, failed: 1 });
    expect(sink.received.map((m) => m.to[0])).toEqual(['reader1@example.org']);
    expect(await t.ctx.deliveries.get(editionId, ids[0]!)).toMatchObject({
      state: 'failed',
      attempts: 0,
      lastError: expect.stringMatching(/^suppressed: complaint \(arf, /),
    });
    expect(await t.ctx.suppressions.get('reader2@example.org')).toMatchObject({
      reason: 'hard-bounce',
      source: 'smtp',
      detail: expect.stringMatching(/550/),
    });
    expect((await t.ctx.suppressions.list()).map((s) => s.email).sort()).toEqual([
      'reader0@example.org',
      'reader2@example.org',
    ]);
  });

  it('451 then 250: throttled, then one mail after a retry', async () => {
    let first = true;
    const { editionId, ids, progress } = await deliver(1, {
      onData: () =>
        first ? ((first = false), { code: 451, message: '4.7.1 Try again later' }) : 'accept',
    });
    expect(progress).toMatchObject({ sent: 1, failed: 0, uncertain: 0 });
    expect(sink.received).toHaveLength(1);
    const rec = await t.ctx.deliveries.get(editionId, ids[0]!);
    expect(rec).toMatchObject({ state: 'sent', attempts: 2 });
    expect(rec?.lastError).toMatch(/451/);
  });

  it('450 (mailbox busy) is retried with backoff; the others in the batch are not sent twice', async () => {
    let refused = 0;
    const { progress } = await deliver(3, {
      onRcpt: (address) =>
        address.startsWith('reader1@') && refused++ === 0
          ? { code: 450, message: '4.2.1 Mailbox busy' }
          : undefined,
    });
    expect(progress).toMatchObject({ sent: 3, failed: 0 });
    expect(sink.received.map((m) => m.to[0]).sort()).toEqual([
      'reader0@example.org',
      'reader1@example.org',
      'reader2@example.org',
    ]);
  });

  it('550: bounced, not retried, the subscriber marked bounced; the rest delivered', async () => {
    let attempts = 0;
    const { editionId, ids, progress } = await deliver(3, {
      onRcpt: (address) =>
        address.startsWith('reader2@')
          ? (attempts++, { code: 550, message: '5.1.1 No such user' })
          : undefined,
    });
    expect(progress).toMatchObject({ sent: 2, bounced: 1, failed: 0 });
    expect(attempts).toBe(1);
    expect(await t.ctx.deliveries.get(editionId, ids[2]!)).toMatchObject({
      state: 'bounced',
      attempts: 1,
      lastError: expect.stringMatching(/550/),
    });
    expect((await t.ctx.subscribers.get(ids[2]!))?.status).toBe('bounced');
  });

  it('reply lost after the data: uncertain, and not resent', async () => {
    const { editionId, ids, progress } = await deliver(2, {
      onData: (msg) => (msg.to[0]?.startsWith('reader0@') ? 'drop' : 'accept'),
    });
    expect(progress).toMatchObject({ sent: 1, uncertain: 1, failed: 0 });
    expect(sink.dropped).toHaveLength(1);
    expect(await t.ctx.deliveries.get(editionId, ids[0]!)).toMatchObject({
      state: 'uncertain',
      attempts: 1,
    });
    // Give a wrongly scheduled retry the time to show itself.
    await new Promise((r) => setTimeout(r, 1500));
    expect(sink.dropped).toHaveLength(1);
    expect(sink.received).toHaveLength(1);
  });

  it('a server that keeps answering 421: throttled until the record has used its attempts, then failed, never uncertain', async () => {
    const { progress } = await deliver(
      2,
      { onRcpt: () => ({ code: 421, message: '4.3.2 Service shutting down' }) },
      { SMTP_THROTTLE_MS: '20', SMTP_THROTTLE_MAX_MS: '100' },
    );
    expect(progress).toMatchObject({ failed: 2, sent: 0, uncertain: 0 });
    expect(sink.received).toHaveLength(0);
  }, 30_000);
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitForEdition } from '../../src/operations/progress.js';
import { messageIdOf } from '../helpers/children.js';
import { sampleWire, testPipeline, type TestPipeline } from '../helpers/pipeline.js';
import { startOwnRedis, startOwnReplica, type OwnRedis } from '../helpers/redis-server.js';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp.js';

/** A primary and its replica of our own: `WAIT 1` needs a replica to answer it. */
describe('a claim made durable with WAIT (REDIS_WAIT_REPLICAS)', () => {
  let primary: OwnRedis;
  let replica: OwnRedis;
  let sink: SmtpSink;
  beforeAll(async () => {
    primary = await startOwnRedis();
    replica = await startOwnReplica(primary);
    sink = await startSmtpSink();
  });
  afterAll(async () => {
    await sink?.close();
    await replica?.cleanup();
    await primary?.cleanup();
  });

  const edition = async (n: number, env: Record<string, string>) => {
    const t = await testPipeline({ REDIS_URL: primary.url, SMTP_URL: sink.url, ...env });
    await t.addSubscribers(n);
    await t.writeArticle('harbour.txt', sampleWire('The harbour reopened on Monday.'));
    return t;
  };

  it('sends only what a replica holds the claim of; a replica that stops answering pauses sending', async () => {
    const t: TestPipeline = await edition(40, {
      REDIS_WAIT_REPLICAS: '1',
      REDIS_WAIT_TIMEOUT_MS: '200',
      SMTP_THROTTLE_MS: '300',
    });
    try {
      t.startWorkers();
      await t.ingest();
      replica.freeze();
      const before = sink.received.length;
      const editionId = await t.send();
      await new Promise((r) => setTimeout(r, 1500));
      // Nothing went out: every claim waited for a replica that never answered, and was undone
      // (at most one claim a lane is waiting at any moment).
      expect(sink.received.length).toBe(before);
      const paused = await t.ctx.deliveries.counts(editionId);
      expect(paused).toMatchObject({ sent: 0, total: 40 });
      expect(paused.sending).toBeLessThanOrEqual(10);
      replica.thaw();
      const done = await waitForEdition(t.ctx, editionId, { timeoutMs: 30_000, intervalMs: 50 });
      expect(done).toMatchObject({ sent: 40, uncertain: 0, failed: 0 });
      const ids = sink.received.slice(before).map((m) => messageIdOf(m.raw));
      expect(new Set(ids).size).toBe(40);
    } finally {
      replica.thaw();
      await t.cleanup();
    }
  }, 60_000);

  it('costs this much per message (printed): the same edition with and without WAIT 1', async () => {
    const N = 1000;
    const wall: Record<string, number> = { '0': 0, '1': 0 };
    // Both twice, in the order off, on, on, off: the first run of a process pays its warm-up.
    for (const replicas of ['0', '1', '1', '0']) {
      const t = await edition(N, { REDIS_WAIT_REPLICAS: replicas, LOG_LEVEL: 'silent' });
      try {
        t.startWorkers();
        await t.ingest();
        const started = performance.now();
        const editionId = await t.send();
        const done = await waitForEdition(t.ctx, editionId, { timeoutMs: 60_000, intervalMs: 20 });
        wall[replicas]! += (performance.now() - started) / 2;
        expect(done).toMatchObject({ sent: N, failed: 0, uncertain: 0 });
      } finally {
        await t.cleanup();
      }
    }
    const perMessage = (ms: number) => ((ms / N) * 1000).toFixed(0);
    console.log(
      `WAIT bench: ${N} messages, SMTP sink, pool 5, concurrency 4, mean of 2 runs: ` +
        `WAIT off ${wall['0']!.toFixed(0)} ms (${perMessage(wall['0']!)} µs/msg), ` +
        `WAIT 1 ${wall['1']!.toFixed(0)} ms (${perMessage(wall['1']!)} µs/msg), ` +
        `cost ${perMessage(wall['1']! - wall['0']!)} µs/msg`,
    );
  }, 180_000);

  it('costs this much per claim alone (printed): one lane, claims one after another', async () => {
    const t = await testPipeline({ REDIS_URL: primary.url });
    try {
      const N = 2000;
      const { deliveries } = t.ctx;
      const step = (i: number, edition: string) => ({
        edition,
        subscriber: `s${i}`,
        from: ['none' as const],
        to: 'sending' as const,
      });
      const time = async (run: (i: number) => Promise<unknown>) => {
        const started = performance.now();
        for (let i = 0; i < N; i++) await run(i);
        return ((performance.now() - started) / N) * 1000;
      };
      const plain = await time((i) => deliveries.transitionMany([step(i, 'bench-a')]));
      const waited = await time(async (i) => {
        const r = await deliveries.transitionManyReplicated([step(i, 'bench-b')], {
          replicas: 1,
          timeoutMs: 1000,
        });
        expect(r.replicas).toBe(1);
      });
      console.log(
        `WAIT per claim: ${N} claims in sequence, local primary + replica: ` +
          `without WAIT ${plain.toFixed(0)} µs, with WAIT 1 ${waited.toFixed(0)} µs, ` +
          `cost ${(waited - plain).toFixed(0)} µs a claim`,
      );
    } finally {
      await t.cleanup();
    }
  }, 60_000);
});

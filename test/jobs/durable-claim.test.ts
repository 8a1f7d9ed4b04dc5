import { rm } from 'node:fs/promises';
import { createServer, connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Lane } from '../../src/jobs/deliver/lane.js';
import { startWorkers } from '../../src/jobs/workers.js';
import { waitForEdition } from '../../src/operations/progress.js';
import { createKeys } from '../../src/stores/keys.js';
import { messageIdOf } from '../helpers/children.js';
import { sampleWire, testPipeline, type TestPipeline } from '../helpers/pipeline.js';
import {
  freePort,
  startOwnRedis,
  startOwnReplica,
  type OwnRedis,
} from '../helpers/redis-server.js';
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

  it('a claim sent twice (ioredis resends what had no answer after a reconnect) is recognised as its own run, sent once', async () => {
    const t = await edition(30, { REDIS_WAIT_REPLICAS: '1' });
    const real = t.deps.deliveries;
    let replayed = 0;
    // The first ten claims run twice, and the job hears the second answer (refused: the record
    // is `sending` already), as it would after a dropped connection and ioredis' resend.
    const deliveries: typeof real = {
      ...real,
      async transitionManyReplicated(steps, wait) {
        const first = await real.transitionManyReplicated(steps, wait);
        if (steps.at(-1)?.to !== 'sending' || replayed >= 10) return first;
        replayed++;
        return real.transitionManyReplicated(steps.slice(-1), wait);
      },
    };
    const workers = startWorkers(
      { ...t.deps, deliveries },
      { connection: t.ctx.redis, prefix: t.config.prefix },
    );
    try {
      await t.ingest();
      const before = sink.received.length;
      const editionId = await t.send();
      const done = await waitForEdition(t.ctx, editionId, { timeoutMs: 30_000, intervalMs: 50 });
      expect(replayed).toBe(10);
      expect(done).toMatchObject({ sent: 30, sending: 0, uncertain: 0, failed: 0 });
      const ids = sink.received.slice(before).map((m) => messageIdOf(m.raw));
      expect(ids.length).toBe(30);
      expect(new Set(ids).size).toBe(30);
    } finally {
      await workers.close(5_000);
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

/**
 * A TCP relay between a replica and its primary that can stop passing the primary's bytes on:
 * replication lag on demand. What it holds back dies with the primary.
 */
async function laggingLink(primaryPort: number) {
  const port = await freePort();
  let holding = false;
  const sockets: Socket[] = [];
  const server = createServer((replicaSide) => {
    const primarySide = connect(primaryPort, '127.0.0.1');
    sockets.push(replicaSide, primarySide);
    replicaSide.on('data', (d) => primarySide.write(d));
    primarySide.on('data', (d) => {
      if (!holding) replicaSide.write(d);
    });
    const end = () => {
      replicaSide.destroy();
      primarySide.destroy();
    };
    replicaSide.on('error', end).on('close', end);
    primarySide.on('error', end).on('close', end);
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return {
    port,
    hold: () => (holding = true),
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}

describe('a failover to a replica that lagged behind the claims', () => {
  it('loses a claim made without WAIT (its message would go out twice); WAIT 1 says the claim is not held, so it is not sent', async () => {
    const primary = await startOwnRedis();
    const link = await laggingLink(primary.port);
    const replica = await startOwnRedis(['--replicaof', '127.0.0.1', String(link.port)]);
    const t = await testPipeline({ REDIS_URL: primary.url });
    try {
      const { deliveries } = t.ctx;
      await deliveries.enqueueNew('e1', ['plain', 'waited']);
      // The two `queued` records are on the replica before the link starts lagging.
      expect(await t.ctx.redis.wait(1, 10_000)).toBe(1);
      link.hold();

      const claim = { edition: 'e1', from: ['queued' as const], to: 'sending' as const };
      const plain = await new Lane(deliveries).claim({ ...claim, subscriber: 'plain' });
      const waited = await new Lane(deliveries, { replicas: 1, timeoutMs: 300 }).claim({
        ...claim,
        subscriber: 'waited',
      });
      // Without WAIT the claim looks made: the deliver job would hand the message over now.
      expect(plain).toEqual({ state: 'queued', replicated: true });
      // With it, the claim is known not to be on a replica: the job undoes it and sends nothing.
      expect(waited).toEqual({ state: 'queued', replicated: false });

      await primary.crash();
      await replica.cli('REPLICAOF', 'NO', 'ONE');
      const promoted = createKeys(t.config.prefix).delivery('e1');
      const state = async (id: string) =>
        (JSON.parse(String(await replica.cli('HGET', promoted, id))) as { s: string }).s;
      // The promoted replica never saw either claim: `plain`, whose message went out, is queued
      // again and would be sent a second time; `waited` was never sent, so queued is the truth.
      expect(await state('plain')).toBe('queued');
      expect(await state('waited')).toBe('queued');
    } finally {
      // Its primary is dead: no goodbyes to it, only the sockets closed.
      t.ctx.redis.disconnect();
      await rm(t.dir, { recursive: true, force: true });
      await link.close();
      await replica.cleanup();
      await primary.cleanup();
    }
  }, 60_000);
});

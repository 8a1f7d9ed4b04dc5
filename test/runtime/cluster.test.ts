import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHealthCheck } from '../../src/http/routes/health.js';
import { waitForEdition } from '../../src/operations/progress.js';
import { statusReport } from '../../src/operations/status.js';
import { importSubscribersCsv } from '../../src/operations/import-subscribers.js';
import { createKeys } from '../../src/stores/keys.js';
import { sampleWire, testPipeline, type TestPipeline } from '../helpers/pipeline.js';
import { startOwnCluster, type OwnCluster } from '../helpers/redis-server.js';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp.js';
import { ADMIN_TOKEN, eventually, testApp } from '../helpers/http.js';

const RECIPIENTS = 60;

/**
 * A real 3-primary Redis Cluster (redis-server --cluster-enabled, joined by redis-cli --cluster
 * create) and the whole pipeline on it through REDIS_CLUSTER_NODES: import, ingest, an edition,
 * its delivery to an SMTP sink, status. Every script, MULTI and pipeline must find its keys on
 * one slot, or the Cluster refuses it (CROSSSLOT) and the edition does not complete.
 */
describe('on a 3-primary Redis Cluster', () => {
  let cluster: OwnCluster;
  let sink: SmtpSink;
  let t: TestPipeline;
  beforeAll(async () => {
    cluster = await startOwnCluster({ primaries: 3 });
    sink = await startSmtpSink();
    // No replicas here: nothing could acknowledge a WAIT (the fault suite has replicas).
    t = await testPipeline({ ...cluster.env, SMTP_URL: sink.url, REDIS_WAIT_REPLICAS: '0' });
  }, 60_000);
  afterAll(async () => {
    await t?.cleanup();
    await sink?.close();
    await cluster?.cleanup();
  });

  it('runs an edition end to end: import, ingest, deliver, status', async () => {
    expect(t.ctx.redis).toBeInstanceOf(Cluster);
    const rows = Array.from({ length: RECIPIENTS }, (_, i) => `r${i}@example.org,R ${i}`);
    const file = join(t.dir, 'subscribers.csv');
    await writeFile(file, `email,name\n${rows.join('\n')}\n`);
    const imported = await importSubscribersCsv(file, { store: t.ctx.subscribers, batchSize: 25 });
    expect(imported).toMatchObject({ created: RECIPIENTS, invalid: 0, complete: true });
    t.startWorkers();
    await t.writeArticle('harbour.txt', sampleWire('The harbour reopened after the storms.'));
    const editionId = await t.publish();
    const progress = await waitForEdition(t.ctx, editionId, { timeoutMs: 60_000, intervalMs: 100 });
    expect(progress).toMatchObject({ sent: RECIPIENTS, queued: 0, sending: 0, failed: 0 });
    const mails = await sink.parsed();
    expect(mails).toHaveLength(RECIPIENTS);
    expect(new Set(mails.map((m) => m.messageId)).size).toBe(RECIPIENTS);

    const report = await statusReport(t.ctx, editionId);
    expect(report.editions[0]!.deliveries).toMatchObject({ sent: RECIPIENTS, total: RECIPIENTS });
    expect(report.queues.deliver).toMatchObject({ waiting: 0, active: 0, failed: 0 });

    const health = createHealthCheck(t.config.redis.target, 2000);
    expect(await health.check()).toMatchObject({ ok: true, redis: 'ok' });
    health.close();
  }, 120_000);

  it('serves the web side: a signup (its MULTI), /healthz, the rate limits and the admin throttle', async () => {
    const a = await testApp(
      { ...cluster.env, SMTP_URL: sink.url, REDIS_WAIT_REPLICAS: '0', ADMIN_TOKEN },
      { subscribeRateLimit: { max: 2, timeWindow: 60_000 } },
    );
    try {
      const before = sink.received.length;
      const signup = (email: string) =>
        a.app.inject({
          method: 'POST',
          url: '/subscribe',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          payload: new URLSearchParams({ email }).toString(),
        });
      expect((await signup('new@example.org')).statusCode).toBe(202);
      await eventually(() => (sink.received.length > before ? true : undefined));
      expect(await a.t.ctx.subscribers.findByEmail('new@example.org')).toMatchObject({
        status: 'pending',
      });
      expect((await signup('other@example.org')).statusCode).toBe(202);
      expect((await signup('third@example.org')).statusCode).toBe(429);
      expect((await a.app.inject({ url: '/healthz' })).statusCode).toBe(200);
      const refused = await a.app.inject({
        url: '/admin/editions/x',
        headers: { authorization: 'Bearer wrong' },
      });
      expect(refused.statusCode).toBe(401);
    } finally {
      await a.close();
    }
  }, 60_000);

  it('lays keys out by hash tag: the store and the queues on one slot, each edition on its own', async () => {
    const editionId = (await t.ctx.editions.listIds(1))[0]!;
    const keys = createKeys(t.config.prefix, { cluster: true });
    const tag = t.config.prefix;
    const slotOf = async (key: string) =>
      Number(await cluster.nodes[0]!.cli('CLUSTER', 'KEYSLOT', key));
    const bySlot = new Map<number, string[]>();
    for (const node of (t.ctx.redis as Cluster).nodes('master')) {
      for (const key of await node.keys(`{${tag}[:}]*`)) {
        const slot = await slotOf(key);
        bySlot.set(slot, [...(bySlot.get(slot) ?? []), key]);
      }
    }
    const store = bySlot.get(await slotOf(keys.subscribersActive))!;
    const edition = bySlot.get(await slotOf(keys.delivery(editionId)))!;
    expect(store.some((k) => k.startsWith(`{${tag}}:db:subscriber:`))).toBe(true);
    expect(store.some((k) => k.startsWith(`{${tag}}:deliver:`))).toBe(true);
    expect(store.every((k) => k.startsWith(`{${tag}}:`))).toBe(true);
    expect(edition.sort()).toEqual(
      // `sent` has no set of its own: the summary counts it.
      [keys.delivery(editionId), keys.deliverySummary(editionId)].sort(),
    );
    // One edition so far: its slot and the store's, nothing else.
    expect(bySlot.size).toBe(2);
  });

  it("refuses a fan-out's records that no replica holds (the deliver jobs are on another primary)", async () => {
    await expect(
      t.ctx.deliveries.enqueueNew('e-unheld', ['s1'], new Date(), { replicas: 1, timeoutMs: 50 }),
    ).rejects.toThrow(/held by 0 of 1 replicas/);
  });
});

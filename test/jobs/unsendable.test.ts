import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { waitForEdition } from '../../src/operations/progress.js';
import { createKeys } from '../../src/stores/keys.js';
import { importSubscribersCsv } from '../../src/operations/import-subscribers.js';
import { sampleWire, testPipeline, type TestPipeline } from '../helpers/pipeline.js';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp.js';

const UTF8_LOCAL = ['josé', 'müller', 'ñandú', '用户', 'почта', 'δοκιμή'];

/**
 * Issue 10: an address the composer cannot write (a UTF-8 local part) threw after its record had
 * claimed a send slot and before the slot went back. After SMTP_POOL_SIZE of them no slot was
 * left, so the run hung with the rest of the list unsent, and each was called uncertain.
 */
describe('addresses the composer cannot write', () => {
  let t: TestPipeline;
  let sink: SmtpSink;
  afterEach(async () => {
    await t?.cleanup();
    await sink?.close();
  });

  it('are refused at import with the reason, and the good rows kept', async () => {
    t = await testPipeline();
    const rows = [
      'email,name',
      ...UTF8_LOCAL.map((l) => `${l}@example.org,Someone`),
      ...Array.from({ length: 30 }, (_, i) => `plain${i}@example.org,Plain ${i}`),
    ];
    const file = join(t.dir, 'list.csv');
    await writeFile(file, `${rows.join('\n')}\n`);
    const result = await importSubscribersCsv(file, { store: t.ctx.subscribers });
    expect(result.errors).toHaveLength(6);
    for (const e of result.errors) expect(e.reason).toMatch(/outside ASCII.*SMTPUTF8/);
    expect(await t.ctx.subscribers.findByEmail('josé@example.org')).toBeUndefined();
    expect(await t.ctx.subscribers.findByEmail('plain29@example.org')).toBeDefined();
  });

  it('six stored before the rule, among thirty plain: the run ends promptly, every plain address delivered, the six failed with the reason', async () => {
    sink = await startSmtpSink();
    // Two slots: before the fix, the second unsendable address left none.
    t = await testPipeline({ SMTP_URL: sink.url, SMTP_POOL_SIZE: '2', DELIVERY_BATCH_SIZE: '8' });
    const ids = await t.addSubscribers(36);
    // Records written by an older version, which accepted these: the composer must cope.
    const keys = createKeys(t.config.prefix);
    const bad = new Map<string, string>();
    for (const [i, local] of UTF8_LOCAL.entries()) {
      const id = ids[i * 6]!;
      bad.set(id, `${local}@example.org`);
      await t.ctx.redis.hset(keys.subscriber(id), 'email', `${local}@example.org`);
    }
    await t.writeArticle('harbour.txt', sampleWire('The harbour reopened on Monday.'));
    t.startWorkers();
    const started = Date.now();
    const editionId = await t.publish();
    const progress = await waitForEdition(t.ctx, editionId, { timeoutMs: 15_000, intervalMs: 50 });
    const seconds = (Date.now() - started) / 1000;
    expect(seconds).toBeLessThan(15);

    expect(progress).toMatchObject({ sent: 30, failed: 6, uncertain: 0, queued: 0, sending: 0 });
    const delivered = sink.received.map((m) => m.to[0]).sort();
    expect(delivered).toHaveLength(30);
    expect(new Set(delivered).size).toBe(30);
    for (const id of ids) {
      const rec = await t.ctx.deliveries.get(editionId, id);
      if (bad.has(id)) {
        expect(rec).toMatchObject({ state: 'failed' });
        expect(rec?.lastError).toMatch(/cannot compose: not a deliverable address/);
      } else expect(rec?.state).toBe('sent');
    }
    const counts = await t.ctx.deliveries.counts(editionId);
    expect(counts).toMatchObject({ queued: 0, sending: 0, uncertain: 0 });
    // Nothing left waiting in the deliver queue either.
    const jobs = await t.ctx.queues.deliver.getJobCounts('waiting', 'active', 'delayed');
    expect(jobs).toEqual({ waiting: 0, active: 0, delayed: 0 });
  }, 30_000);
});

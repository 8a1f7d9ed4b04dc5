import { afterEach, describe, expect, it } from 'vitest';
import { resend } from '../../src/operations/resend.js';
import { sendEdition } from '../../src/operations/send.js';
import { waitForEdition } from '../../src/operations/progress.js';
import { expandPaths, ingestFiles } from '../../src/operations/ingest.js';
import { messageIdOf, spawnGazette, type Child } from '../helpers/children.js';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp.js';
import { sampleWire, testPipeline, type TestPipeline } from '../helpers/pipeline.js';

const RECIPIENTS = 2000;

describe('a worker killed with SIGKILL in the middle of an edition', () => {
  let t: TestPipeline;
  let sink: SmtpSink;
  const children: Child[] = [];
  afterEach(async () => {
    for (const c of children) c.proc.kill('SIGKILL');
    children.length = 0;
    await t?.cleanup();
    await sink?.close();
  });

  it('loses nobody silently and doubles nobody; resend --uncertain completes the edition', async () => {
    sink = await startSmtpSink();
    t = await testPipeline({ SMTP_URL: sink.url });
    for (let i = 0; i < RECIPIENTS; i += 200) {
      await Promise.all(
        Array.from({ length: 200 }, (_, k) =>
          t.ctx.subscribers.add({ email: `r${i + k}@example.org`, status: 'active' }),
        ),
      );
    }
    await t.writeArticle(
      'harbour.txt',
      sampleWire('The harbour reopened on Monday, after a week of storms.'),
    );
    // This process makes the edition and its batches; the deliver queue is the child's alone.
    t.startWorkers({ queues: ['edition', 'fanout'] });
    await ingestFiles(await expandPaths([t.config.contentDir]), {
      store: t.ctx.articles,
      editions: t.ctx.editions,
      siteUrl: t.config.siteUrl,
    });

    const env = {
      GAZETTE_PREFIX: t.config.prefix,
      SMTP_URL: sink.url,
      SECRET: t.config.secret,
      SITE_URL: t.config.siteUrl,
      MAIL_FROM: t.config.mailFrom,
      WORKER_LOCK_MS: '1500',
      WORKER_STALLED_MS: '1000',
      LOG_LEVEL: 'info',
    };
    const first = spawnGazette(['worker'], env);
    children.push(first);
    await first.waitFor('workers running');
    const sent = await sendEdition(t.ctx, { schedule: { mode: 'now' } });
    if (sent.outcome !== 'queued') throw new Error('no edition');

    while (sink.received.length < RECIPIENTS / 4) await new Promise((r) => setTimeout(r, 5));
    first.proc.kill('SIGKILL');
    await first.exited;
    // The dead worker can change nothing now: what is `sending` is exactly what was in flight.
    const atKill = await t.ctx.deliveries.counts(sent.editionId);
    expect(atKill.sent).toBeGreaterThan(0);
    expect(atKill.sent).toBeLessThan(RECIPIENTS);

    const second = spawnGazette(['worker'], env);
    children.push(second);
    const after = await waitForEdition(t.ctx, sent.editionId, {
      timeoutMs: 60_000,
      intervalMs: 100,
    });

    const ids = sink.received.map((m) => messageIdOf(m.raw));
    expect(new Set(ids).size).toBe(ids.length); // nobody has two copies
    expect(after.sent + after.uncertain).toBe(RECIPIENTS); // nobody lost silently
    expect(after.uncertain).toBeLessThanOrEqual(atKill.sending);
    expect(after).toMatchObject({ failed: 0, bounced: 0, queued: 0, sending: 0 });
    console.log(
      `kill test: in flight at the kill ${atKill.sending}, uncertain after ${after.uncertain}, sent ${after.sent}`,
    );

    const r = await resend(t.ctx, {
      editionId: sent.editionId,
      states: ['uncertain'],
      reason: 'test',
      actor: 'test',
    });
    expect(r.recipients).toBe(after.uncertain);
    const done = await waitForEdition(t.ctx, sent.editionId, {
      timeoutMs: 30_000,
      intervalMs: 100,
    });
    expect(done).toMatchObject({ sent: RECIPIENTS, uncertain: 0, failed: 0 });
    const all = sink.received.map((m) => messageIdOf(m.raw));
    expect(new Set(all).size).toBe(RECIPIENTS);
    // A copy sent again on an operator's word carries the same Message-ID, so it can be recognised.
    expect(all.length - RECIPIENTS).toBeLessThanOrEqual(after.uncertain);
  }, 120_000);
});

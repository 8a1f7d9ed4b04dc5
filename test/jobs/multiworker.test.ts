import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { waitForEdition } from '../../src/operations/progress.js';
import { sendEdition } from '../../src/operations/send.js';
import { expandPaths, ingestFiles } from '../../src/operations/ingest.js';
import { prepareSubscriber } from '../../src/stores/subscribers/index.js';
import { messageIdOf, spawnGazette, type Child } from '../helpers/children.js';
import { sampleWire, testPipeline, type TestPipeline } from '../helpers/pipeline.js';
import { startSmtpSink } from '../helpers/smtp.js';

const RECIPIENTS = 2000;

/** The process that holds the TCP connection whose local port is `port` (Linux /proc). */
function pidOfLocalPort(port: number, pids: number[]): number | undefined {
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  let inode: string | undefined;
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(table, 'latin1').split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols[1]?.endsWith(`:${hex}`)) inode = cols[9];
    }
  }
  if (!inode) return undefined;
  for (const pid of pids) {
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      try {
        if (readlinkSync(`/proc/${pid}/fd/${fd}`) === `socket:[${inode}]`) return pid;
      } catch {
        // closed while we looked
      }
    }
  }
  return undefined;
}

/** A real SMTP server that keeps each message with the process that sent it. */
async function attributingSink(pids: () => number[]) {
  const owner = new Map<string, number | undefined>();
  const ports = new Map<string, number>();
  // The client's socket exists once we see the connection: look its process up now, and again
  // when it is asked for if a busy machine had not shown the socket in /proc yet.
  const pidOf = (session: string) => {
    if (owner.get(session) === undefined && ports.has(session)) {
      owner.set(session, pidOfLocalPort(ports.get(session)!, pids()));
    }
    return owner.get(session);
  };
  const sink = await startSmtpSink({
    onConnect: (session) => {
      ports.set(session.id, session.remotePort);
      pidOf(session.id);
    },
  });
  return {
    url: sink.url,
    get received() {
      return sink.received.map((m) => ({ raw: m.raw, pid: pidOf(m.sessionId) }));
    },
    close: sink.close,
  };
}

describe('two worker processes on one edition', () => {
  let t: TestPipeline;
  let sink: Awaited<ReturnType<typeof attributingSink>>;
  const children: Child[] = [];
  afterEach(async () => {
    for (const c of children) c.proc.kill('SIGKILL');
    children.length = 0;
    await t?.cleanup();
    await sink?.close();
  });

  it('share the batches and never send one record twice, even when every batch is queued twice', async () => {
    sink = await attributingSink(() => children.map((c) => c.proc.pid!));
    t = await testPipeline({ SMTP_URL: sink.url });
    for (let i = 0; i < RECIPIENTS; i += 500) {
      await t.ctx.subscribers.addMany(
        Array.from({ length: 500 }, (_, k) =>
          prepareSubscriber({ email: `r${i + k}@example.org`, status: 'active' }),
        ),
      );
    }
    await t.writeArticle(
      'harbour.txt',
      sampleWire('The harbour reopened on Monday, after a week of storms.'),
    );
    const env = {
      GAZETTE_PREFIX: t.config.prefix,
      SMTP_URL: sink.url,
      SECRET: t.config.secret,
      SITE_URL: t.config.siteUrl,
      MAIL_FROM: t.config.mailFrom,
      LOG_LEVEL: 'info',
    };
    for (let i = 0; i < 2; i++) children.push(spawnGazette(['worker', '--concurrency', '4'], env));
    await Promise.all(children.map((c) => c.waitFor('workers running', 60_000)));
    await ingestFiles(await expandPaths([t.config.contentDir]), {
      store: t.ctx.articles,
      editions: t.ctx.editions,
      siteUrl: t.config.siteUrl,
    });

    // Hold the deliver queue until the fan-out is done, then queue every batch a second time
    // under another job id: the two processes race for the same records.
    await t.ctx.queues.deliver.pause();
    const sent = await sendEdition(t.ctx, { schedule: { mode: 'now' } });
    if (sent.outcome !== 'queued') throw new Error('no edition');
    for (;;) {
      const fanout = await t.ctx.queues.fanout.getJobCounts('waiting', 'active', 'delayed');
      const edition = await t.ctx.queues.edition.getJobCounts('waiting', 'active', 'delayed');
      const counts = await t.ctx.deliveries.counts(sent.editionId);
      const busy = [...Object.values(fanout), ...Object.values(edition)].some((n) => n > 0);
      if (!busy && counts.queued === RECIPIENTS) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const batches = await t.ctx.queues.deliver.getJobs(['wait', 'waiting']);
    expect(batches.length).toBe(RECIPIENTS / t.config.batchSize);
    await t.ctx.queues.deliver.addBulk(
      batches.map((job) => ({
        name: 'deliver',
        data: job.data as { editionId: string; subscriberIds: string[] },
        opts: { jobId: `${job.id}.again` },
      })),
    );
    await t.ctx.queues.deliver.resume();

    const done = await waitForEdition(t.ctx, sent.editionId, {
      timeoutMs: 60_000,
      intervalMs: 100,
    });
    expect(done).toMatchObject({
      sent: RECIPIENTS,
      queued: 0,
      sending: 0,
      uncertain: 0,
      failed: 0,
    });

    const ids = sink.received.map((m) => messageIdOf(m.raw));
    expect(ids.every((id) => id.length > 0)).toBe(true);
    expect(new Set(ids).size).toBe(RECIPIENTS);
    expect(ids.length).toBe(RECIPIENTS); // nobody twice
    const byPid = new Map<number | undefined, number>();
    for (const m of sink.received) byPid.set(m.pid, (byPid.get(m.pid) ?? 0) + 1);
    const perWorker = children.map((c) => byPid.get(c.proc.pid) ?? 0);
    console.log(`multiworker: messages per worker process ${perWorker.join(' + ')}`);
    expect(perWorker.reduce((a, b) => a + b, 0)).toBe(RECIPIENTS);
    for (const n of perWorker) expect(n).toBeGreaterThan(0);

    // Each record was sent by exactly one job: the second copy of its batch skipped it.
    const results = await t.ctx.queues.deliver.getJobs(['completed']);
    const total = results.reduce(
      (sum, j) => {
        const r = j.returnvalue as { sent: number; skipped: number };
        return { sent: sum.sent + r.sent, skipped: sum.skipped + r.skipped };
      },
      { sent: 0, skipped: 0 },
    );
    expect(results.length).toBe(2 * batches.length);
    expect(total).toEqual({ sent: RECIPIENTS, skipped: RECIPIENTS });
  }, 90_000);
});

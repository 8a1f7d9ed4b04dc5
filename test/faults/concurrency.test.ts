import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/runtime/config.js';
import { createContext } from '../../src/operations/context.js';
import { waitForEdition } from '../../src/operations/progress.js';
import { readAudit } from '../../src/operations/resend.js';
import { createLogger } from '../../src/runtime/log.js';
import { syncDigestScheduler } from '../../src/jobs/scheduler.js';
import { spawnGazette } from '../helpers/children.js';
import { openBed, type Bed } from './support/bed.js';
import { recordFault } from './support/summary.js';

const RECIPIENTS = 300;

describe('operators and processes racing each other', () => {
  let bed: Bed | undefined;
  afterEach(async () => {
    await bed?.cleanup();
    bed = undefined;
  });

  it('two `gazette resend` at once, with a worker sending: one more mail per recipient, not two', async () => {
    bed = await openBed({ recipients: RECIPIENTS });
    const worker = bed.spawnWorker();
    await worker.waitFor('workers running', 30_000);
    const editionId = await bed.send();
    await waitForEdition(bed.t.ctx, editionId, { timeoutMs: 60_000, intervalMs: 50 });
    expect(bed.sink!.accepted).toHaveLength(RECIPIENTS);

    const resends = [1, 2].map(() =>
      spawnGazette(['resend', editionId, '--reason', 'race'], bed!.env),
    );
    const codes = await Promise.all(resends.map((c) => c.exited));
    expect(codes).toEqual([0, 0]);
    const progress = await waitForEdition(bed.t.ctx, editionId, {
      timeoutMs: 60_000,
      intervalMs: 50,
    });
    const audit = await readAudit(bed.t.ctx);
    const granted = audit.reduce((n, e) => n + e.recipients, 0);
    const copies = new Map<string, number>();
    for (const id of bed.sink!.accepted) copies.set(id, (copies.get(id) ?? 0) + 1);
    // Each recipient: the edition once, and the resend once.
    const extra = [...copies.values()].reduce((n, c) => n + Math.max(0, c - 2), 0);
    recordFault({
      fault: 'two resends at once (worker running)',
      tried: 2,
      recipients: RECIPIENTS,
      lost: [...copies.values()].filter((c) => c < 2).length + (RECIPIENTS - copies.size),
      doubled: extra,
      uncertain: progress.uncertain,
    });
    expect(audit).toHaveLength(2);
    expect(granted).toBe(RECIPIENTS);
    expect(progress).toMatchObject({ sent: RECIPIENTS, queued: 0, sending: 0 });
    expect(copies.size).toBe(RECIPIENTS);
    expect(extra).toBe(0);
    expect([...copies.values()].every((c) => c === 2)).toBe(true);
  });

  it('scheduler upserts from several processes at once: one scheduler, one next job', async () => {
    bed = await openBed({ recipients: 0 });
    const config = loadConfig({
      REDIS_URL: bed.redis.url,
      GAZETTE_PREFIX: bed.t.config.prefix,
      DIGEST_CRON: '0 7 * * *',
      DIGEST_TZ: 'Europe/Paris',
      LOG_LEVEL: 'silent',
    });
    const log = createLogger({ level: 'silent', pretty: false });
    const contexts = await Promise.all([1, 2, 3, 4].map(() => createContext(config, log)));
    try {
      const results = await Promise.all(contexts.map((c) => syncDigestScheduler(c.queues, config)));
      expect(results).toEqual(['upserted', 'upserted', 'upserted', 'upserted']);
      const schedulers = await bed.t.ctx.queues.edition.getJobSchedulers();
      const delayed = await bed.t.ctx.queues.edition.getDelayed();
      recordFault({
        fault: 'four scheduler upserts at once',
        tried: 4,
        recipients: 0,
        lost: 0,
        doubled: Math.max(0, schedulers.length - 1) + Math.max(0, delayed.length - 1),
        uncertain: 0,
      });
      expect(schedulers.map((s) => s.key)).toEqual(['digest']);
      expect(delayed).toHaveLength(1);
    } finally {
      await Promise.all(contexts.map((c) => c.close()));
    }
  });
});

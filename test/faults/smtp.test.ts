import { afterEach, describe, expect, it } from 'vitest';
import { waitForEdition } from '../../src/operations/progress.js';
import type { DeliveryState } from '../../src/stores/deliveries.js';
import { openBed, type Bed, type BedOptions } from './support/bed.js';
import { recordAudit } from './support/summary.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** SMTP server faults: the server is a child process; so is the `gazette worker` under test. */
describe('SMTP faults', () => {
  let bed: Bed | undefined;
  afterEach(async () => {
    await bed?.cleanup();
    bed = undefined;
  });

  async function run(opts: BedOptions, env: Record<string, string> = {}) {
    bed = await openBed(opts);
    const worker = bed.spawnWorker(env);
    await worker.waitFor('workers running', 30_000);
    const editionId = await bed.send();
    return { bed, worker, editionId };
  }

  async function finish(
    b: Bed,
    editionId: string,
    fault: string,
    tried: number,
    allowed: DeliveryState[],
  ) {
    const progress = await waitForEdition(b.t.ctx, editionId, {
      timeoutMs: 60_000,
      intervalMs: 50,
    });
    const audit = await b.audit(editionId, allowed);
    recordAudit(fault, tried, b.ids.length, audit);
    expect(audit).toMatchObject({ lost: 0, doubled: 0, unrecorded: 0 });
    return { progress, audit };
  }

  it('down, then up: the worker retries with backoff and delivers everything once', async () => {
    const { bed: b, editionId } = await run({ recipients: 50, sinkDown: true });
    // Every reader refused at least once (however long the fan-out took), then a second more.
    const deadline = Date.now() + 30_000;
    for (;;) {
      const recs = await b.t.ctx.deliveries.getMany(editionId, b.ids);
      if (recs.every((r) => /ECONNREFUSED/.test(r?.lastError ?? ''))) break;
      if (Date.now() > deadline) throw new Error('the deliveries were never refused');
      await sleep(100);
    }
    await sleep(1000);
    const meanwhile = await b.t.ctx.deliveries.counts(editionId);
    expect(meanwhile).toMatchObject({ sent: 0, failed: 0, uncertain: 0 });
    const sink = await b.startSink();
    const { progress } = await finish(b, editionId, 'SMTP down (refused), then up', 1, ['sent']);
    expect(progress).toMatchObject({ sent: 50, failed: 0, uncertain: 0 });
    expect(sink.accepted).toHaveLength(50);
    const recs = await b.t.ctx.deliveries.getMany(editionId, b.ids);
    expect(recs.every((r) => r!.attempts >= 2 && /ECONNREFUSED/.test(r!.lastError ?? ''))).toBe(
      true,
    );
  });

  it.each([451, 421])(
    '%i for the first 25 messages: the worker slows down, nothing fails, nothing doubles',
    async (code) => {
      const throttleMs = 400;
      const { bed: b, editionId } = await run(
        {
          recipients: 200,
          sink: { tempFail: { first: 25, code, message: `${code} 4.7.0 Slow down` } },
        },
        { SMTP_THROTTLE_MS: String(throttleMs) },
      );
      const { progress } = await finish(b, editionId, `SMTP ${code} ×25 (throttling)`, 25, [
        'sent',
      ]);
      expect(progress).toMatchObject({ sent: 200, failed: 0, uncertain: 0, bounced: 0 });
      expect(b.sink!.refused.filter((r) => r.code === code)).toHaveLength(25);
      expect(b.sink!.accepted).toHaveLength(200);
      // Slowed: a refused recipient is taken again only after the pause, never straight away.
      const { timeline } = b.sink!;
      for (const r of timeline.filter((e) => e.code === code)) {
        const next = timeline.find((e) => e.to === r.to && e.at >= r.at && e !== r);
        expect(next, r.to).toBeDefined();
        expect(next!.at - r.at, r.to).toBeGreaterThanOrEqual(throttleMs - 50);
      }
      // And the throttled batches went back without failing: no job failed on the way.
      expect(b.workers[0]!.stderr()).not.toContain('job failed');
    },
  );

  it('550 for some recipients: those bounced (once, not retried), the rest delivered', async () => {
    const { bed: b, editionId } = await run({
      recipients: 200,
      sink: { rcpt: [{ match: '7@', code: 550, message: '5.1.1 No such user' }] },
    });
    const { progress } = await finish(b, editionId, 'SMTP 550 for one address in ten', 20, [
      'sent',
      'bounced',
    ]);
    expect(progress).toMatchObject({ sent: 180, bounced: 20, failed: 0, uncertain: 0 });
    expect(b.sink!.refused).toHaveLength(20);
    const bounced = await b.t.ctx.subscribers.getMany(b.ids);
    expect(
      bounced.filter((s) => s!.status === 'bounced').map((s) => s!.email.slice(-13, -12)),
    ).toEqual(Array(20).fill('7'));
  });

  it('reply lost after the data: uncertain, and never sent again on its own', async () => {
    const { bed: b, editionId } = await run({
      recipients: 100,
      sink: { dropAfterData: ['3@'] },
    });
    const { progress } = await finish(b, editionId, 'SMTP reply lost after the data', 10, [
      'sent',
      'uncertain',
    ]);
    expect(progress).toMatchObject({ sent: 90, uncertain: 10, failed: 0 });
    // Give a wrongly scheduled retry the time to show itself.
    await sleep(2500);
    expect(b.sink!.dropped).toHaveLength(10);
    expect(new Set(b.sink!.dropped).size).toBe(10);
    expect(b.sink!.accepted).toHaveLength(90);
  });

  it('a server that stalls after the data: the socket timeout ends each attempt (uncertain); SIGTERM exits promptly', async () => {
    const timeoutMs = 1000;
    const {
      bed: b,
      worker,
      editionId,
    } = await run(
      { recipients: 20, sink: { stallAfterData: true } },
      { SMTP_TIMEOUT_MS: String(timeoutMs), SHUTDOWN_TIMEOUT_MS: '3000' },
    );
    const { progress } = await finish(b, editionId, 'SMTP stalls after the data', 20, [
      'uncertain',
    ]);
    expect(progress).toMatchObject({ uncertain: 20, sent: 0, sending: 0 });
    const recs = await b.t.ctx.deliveries.getMany(editionId, b.ids);
    expect(recs.every((r) => /timeout/i.test(r!.lastError ?? ''))).toBe(true);
    const signalled = Date.now();
    worker.proc.kill('SIGTERM');
    expect(await worker.exited).toBe(0);
    expect(Date.now() - signalled).toBeLessThan(3000);
  });

  it('SIGTERM while every connection is stalled: the stop ends within SHUTDOWN_TIMEOUT_MS, and the unfinished sends become uncertain', async () => {
    const {
      bed: b,
      worker,
      editionId,
    } = await run(
      { recipients: 20, sink: { stallAfterData: true } },
      { SMTP_TIMEOUT_MS: '60000', SHUTDOWN_TIMEOUT_MS: '1500' },
    );
    while (b.sink!.stalled.length < 3) await sleep(20);
    const signalled = Date.now();
    worker.proc.kill('SIGTERM');
    // Bounded: a stuck stop is the failure this test looks for, not a reason to hang.
    const code = await Promise.race([worker.exited, sleep(8000).then(() => 'stuck' as const)]);
    const stopMs = Date.now() - signalled;
    if (code === 'stuck') {
      worker.proc.kill('SIGKILL');
      console.log(worker.stderr().split('\n').slice(-15).join('\n'));
    }
    console.log(`stalled server: exit ${code} after ${stopMs} ms`);
    expect(stopMs).toBeLessThan(1500 + 2000);
    b.sink!.set({});
    b.sink!.release();
    b.spawnWorker();
    const { progress } = await finish(b, editionId, 'SIGTERM while SMTP stalls', 1, [
      'sent',
      'uncertain',
    ]);
    expect(progress).toMatchObject({ sending: 0, failed: 0 });
    expect(progress.uncertain).toBeLessThanOrEqual(b.sink!.stalled.length);
  });
});

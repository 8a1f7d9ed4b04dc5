import { afterEach, describe, expect, it } from 'vitest';
import { waitForEdition } from '../../src/operations/progress.js';
import { openBed, type Bed } from './support/bed.js';
import { recordAudit } from './support/summary.js';

const RECIPIENTS = 1500;

describe('SIGTERM while a worker is sending', () => {
  let bed: Bed | undefined;
  afterEach(async () => {
    await bed?.cleanup();
    bed = undefined;
  });

  it('lets the in-flight messages finish, exits 0, leaves nothing sending; a new worker completes', async () => {
    // A slow server, so that the signal surely lands with messages on the wire.
    bed = await openBed({ recipients: RECIPIENTS, sink: { replyDelayMs: 20 } });
    const sink = bed.sink!;
    const worker = bed.spawnWorker({ SHUTDOWN_TIMEOUT_MS: '20000' });
    await worker.waitFor('workers running', 30_000);
    const editionId = await bed.send();
    await sink.waitForAccepted(60);

    const signalled = Date.now();
    worker.proc.kill('SIGTERM');
    const code = await worker.exited;
    const stopMs = Date.now() - signalled;
    const atStop = await bed.t.ctx.deliveries.counts(editionId);
    await sink.waitForAccepted(atStop.sent, 2000);
    // Every copy the server took is recorded `sent`: the stop waited for each reply.
    const atStopAudit = await bed.audit(editionId, ['sent', 'queued']);
    console.log(`SIGTERM: exit ${code} after ${stopMs} ms; at the stop ${JSON.stringify(atStop)}`);
    expect(code).toBe(0);
    expect(worker.stderr()).toContain('workers closed');
    expect(atStop.sending).toBe(0);
    expect(atStop.uncertain).toBe(0);
    expect(atStop.sent).toBe(sink.accepted.length);
    expect(atStop.sent).toBeLessThan(RECIPIENTS);
    expect(atStopAudit.lost).toBe(0);

    // The slow server has done its part: let the rest go at full speed.
    sink.set({});
    bed.spawnWorker();
    const done = await waitForEdition(bed.t.ctx, editionId, { timeoutMs: 60_000, intervalMs: 100 });
    const audit = await bed.audit(editionId, ['sent']);
    recordAudit('worker SIGTERM mid-send, then restarted', 1, RECIPIENTS, audit);
    expect(done).toMatchObject({ sent: RECIPIENTS, uncertain: 0, failed: 0 });
    expect(audit).toMatchObject({ lost: 0, doubled: 0 });
  });
});

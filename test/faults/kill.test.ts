import { afterEach, describe, expect, it } from 'vitest';
import { waitForEdition } from '../../src/operations/progress.js';
import { openBed, seeded, type Bed } from './support/bed.js';
import { recordAudit } from './support/summary.js';

const RECIPIENTS = 2000;
const KILLS = 20;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * One 2,000-recipient edition, and the worker SIGKILLed 20 times in it: seed n picks how many
 * more messages the server takes before kill n (0 to 89, so some kills land while the worker is
 * still starting, taking over stalled jobs, rendering or fanning out) and a sub-millisecond-ish
 * offset. After each kill a new `gazette worker` is started; the last one finishes the edition.
 */
describe('worker SIGKILLed at random moments during an edition', () => {
  let bed: Bed | undefined;
  afterEach(async () => {
    await bed?.cleanup();
    bed = undefined;
  });

  it('20 kills: no recipient has two copies, every record is sent or uncertain, uncertain ⊆ in flight', async () => {
    bed = await openBed({ recipients: RECIPIENTS });
    const sink = bed.sink!;
    const { deliveries } = bed.t.ctx;
    let worker = bed.spawnWorker();
    await worker.waitFor('workers running', 30_000);
    const editionId = await bed.send();

    const inFlight = new Set<string>();
    const moments: number[] = [];
    for (let seed = 1; seed <= KILLS; seed++) {
      const rng = seeded(seed);
      const more = Math.floor(rng() * 90);
      const target = sink.accepted.length + more;
      const deadline = Date.now() + 30_000;
      while (sink.accepted.length < target && Date.now() < deadline) await sleep(1);
      await sleep(Math.floor(rng() * 10));
      moments.push(sink.accepted.length);
      worker.proc.kill('SIGKILL');
      await worker.exited;
      // The dead worker changes nothing any more: `sending` now is exactly what it had in flight.
      for await (const ids of deliveries.scanState(editionId, 'sending'))
        for (const id of ids) inFlight.add(id);
      worker = bed.spawnWorker();
      await worker.waitFor('workers running', 30_000);
    }
    // Every kill must have landed inside the edition, or the figure would be worth nothing.
    expect(moments.at(-1)!).toBeLessThan(RECIPIENTS);

    // On a failure, say which batches BullMQ gave up on, and why: that is where recipients go.
    const explain = async () => {
      const failed = await bed!.t.ctx.queues.deliver.getFailed();
      console.log(failed.map((j) => `${j.id}: ${j.failedReason}`));
    };
    const progress = await waitForEdition(bed.t.ctx, editionId, {
      timeoutMs: 90_000,
      intervalMs: 100,
    }).catch(async (err: unknown) => {
      await explain();
      throw err;
    });
    const audit = await bed.audit(editionId);
    if (audit.lost) await explain();
    const uncertain: string[] = [];
    for await (const ids of deliveries.scanState(editionId, 'uncertain')) uncertain.push(...ids);
    console.log(
      `kills at ${moments.join(', ')} messages; in flight at the kills ${inFlight.size}; ` +
        `uncertain ${audit.uncertain}; sent ${progress.sent}; copies at the server ${sink.accepted.length}`,
    );
    recordAudit(
      `worker SIGKILL ×${KILLS} in one edition (seeds 1–${KILLS})`,
      moments.length,
      RECIPIENTS,
      audit,
    );

    expect(audit.doubled).toBe(0);
    expect(audit.lost).toBe(0);
    expect(audit.unrecorded).toBe(0);
    expect(progress).toMatchObject({ queued: 0, sending: 0, failed: 0, bounced: 0 });
    expect(progress.sent + progress.uncertain).toBe(RECIPIENTS);
    expect(uncertain.filter((id) => !inFlight.has(id))).toEqual([]);
  }, 240_000);
});

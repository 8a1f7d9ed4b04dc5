import { expect } from 'vitest';
import type { HealthCheck } from '../../../src/http/routes/health.js';
import { createHealthCheck } from '../../../src/http/routes/health.js';
import type { Keys } from '../../../src/stores/keys.js';
import type { Child } from '../../helpers/children.js';
import { waitForEdition } from '../../../src/operations/progress.js';
import type { Bed } from './bed.js';
import { recordAudit } from './summary.js';

/**
 * A `gazette worker` child running on the bed and an edition of its recipients queued, with a
 * /healthz check of the test's own on the same Redis.
 */
export async function editionUnderWay(
  bed: Bed,
): Promise<{ worker: Child; editionId: string; health: HealthCheck }> {
  const health = createHealthCheck(bed.t.config.redis.target, 1000);
  const worker = bed.spawnWorker();
  await worker.waitFor('workers running', 30_000);
  const editionId = await bed.send();
  expect(await health.check()).toMatchObject({ ok: true });
  return { worker, editionId, health };
}

/** Resolves once the bed's SMTP server has taken `n` messages; how many it had then. */
export async function untilAccepted(bed: Bed, n: number): Promise<number> {
  while ((bed.sink?.accepted.length ?? 0) < n) await new Promise((r) => setTimeout(r, 1));
  return bed.sink!.accepted.length;
}

/**
 * `crash` (a Redis primary's SIGKILL), and with `workerToo` the worker SIGKILLed in the same
 * moment; `restart` then brings up a new worker (after the failover) when the old one was killed.
 */
export function killWithWorker(bed: Bed, worker: Child, workerToo: boolean) {
  return {
    crash: (crash: () => Promise<void>) =>
      Promise.all([crash(), workerToo ? (worker.proc.kill('SIGKILL'), worker.exited) : undefined]),
    async restart() {
      if (!workerToo) return;
      await bed.spawnWorker().waitFor('workers running', 30_000);
    },
  };
}

/**
 * What the replica about to be promoted holds of the edition, its primary just killed: nothing
 * can write there until the promotion, so its `sending` ids are what was in flight as far as any
 * durable record says. `read` runs one command on the replica. (The bytes already on their way to
 * it land first.)
 */
export async function replicaHolds(
  read: (...args: string[]) => Promise<unknown>,
  keys: Pick<Keys, 'deliveryState' | 'deliverySummary'>,
  editionId: string,
): Promise<{ inFlight: Set<string>; sent: number }> {
  await new Promise((r) => setTimeout(r, 200));
  const inFlight = new Set(
    (await read('SMEMBERS', keys.deliveryState(editionId, 'sending'))) as string[],
  );
  // `sent` has no set of its own: the edition's summary counts it.
  const sent = Number((await read('HGET', keys.deliverySummary(editionId), 'sent')) ?? 0);
  return { inFlight, sent };
}

/**
 * After a Redis primary was killed mid-edition and another took over: waits for the edition to
 * end, then holds it to the promise. Nobody has two copies, nobody is lost or left unrecorded,
 * every recipient is `sent` or `uncertain`, and the uncertain ones are among `inFlight` (the
 * `sending` set the promoted replica held when the primary died: what was in flight as far as
 * any durable record says). First, `health` (/healthz's own connection) must find the new
 * primary. Records the fault's row; `note` goes into the logged line.
 */
export async function expectPromiseKept(
  bed: Bed,
  editionId: string,
  opts: {
    fault: string;
    recipients: number;
    inFlight: ReadonlySet<string>;
    note: string;
    health: HealthCheck;
  },
): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await opts.health.check()).ok && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 100));
  expect(await opts.health.check()).toMatchObject({ ok: true, redis: 'ok' });
  opts.health.close();

  const progress = await waitForEdition(bed.t.ctx, editionId, {
    timeoutMs: 120_000,
    intervalMs: 100,
  });
  const audit = await bed.audit(editionId);
  const uncertain: string[] = [];
  for await (const ids of bed.t.ctx.deliveries.scanState(editionId, 'uncertain'))
    uncertain.push(...ids);
  console.log(
    `${opts.fault}: ${opts.note}; ${opts.inFlight.size} in flight; ` +
      `sent ${progress.sent}, uncertain ${audit.uncertain}, doubled ${audit.doubled}, lost ${audit.lost}, ` +
      `copies at the server ${bed.sink?.accepted.length ?? 0}`,
  );
  recordAudit(opts.fault, 1, opts.recipients, audit);

  expect(audit.doubled).toBe(0);
  expect(audit.lost).toBe(0);
  expect(audit.unrecorded).toBe(0);
  expect(progress).toMatchObject({ queued: 0, sending: 0, failed: 0, bounced: 0 });
  expect(progress.sent + progress.uncertain).toBe(opts.recipients);
  expect(uncertain.filter((id) => !opts.inFlight.has(id))).toEqual([]);
}

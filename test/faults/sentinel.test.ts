import { afterEach, describe, expect, it } from 'vitest';
import { createHealthCheck } from '../../src/http/routes/health.js';
import { waitForEdition } from '../../src/operations/progress.js';
import { createKeys } from '../../src/stores/keys.js';
import { openBed, type Bed } from './support/bed.js';
import { recordAudit } from './support/summary.js';

const RECIPIENTS = 2000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * One primary, one replica, three sentinels (Debian's redis-server, `--sentinel`), a `gazette
 * worker` child that reaches them through REDIS_SENTINELS, and the primary SIGKILLed a quarter
 * into a 2,000-recipient edition. The sentinels promote the replica; the killed primary is
 * started again (as a supervisor would) and the sentinels make it the new primary's replica, so
 * claims can be made durable again (REDIS_WAIT_REPLICAS defaults to 1 under Sentinel).
 */
describe('the Redis primary SIGKILLed mid-edition under Sentinel', () => {
  let bed: Bed | undefined;
  afterEach(async () => {
    await bed?.cleanup();
    bed = undefined;
  });

  const failover = async (opts: { fault: string; workerToo: boolean }) => {
    bed = await openBed({ recipients: RECIPIENTS, sentinel: true });
    const set = bed.sentinels!;
    const sink = bed.sink!;
    const health = createHealthCheck(bed.t.config.redis.target, 500);
    let worker = bed.spawnWorker();
    await worker.waitFor('workers running', 30_000);
    const editionId = await bed.send();
    expect(await health.check()).toMatchObject({ ok: true });

    while (sink.accepted.length < RECIPIENTS / 4) await sleep(1);
    const atKill = sink.accepted.length;
    const oldPort = set.primary.port;
    const killedAt = performance.now();
    await Promise.all([
      set.primary.crash(),
      opts.workerToo ? (worker.proc.kill('SIGKILL'), worker.exited) : undefined,
    ]);
    // Nothing can write now until the sentinels promote the replica (down-after 1 s), so what the
    // replica holds is what the promoted primary starts from: its `sending` set is what was in
    // flight as far as any durable record says. (Let the bytes already sent to it land first.)
    await sleep(200);
    const keys = createKeys(bed.t.config.prefix);
    const inFlight = new Set(
      (await set.replica.cli('SMEMBERS', keys.deliveryState(editionId, 'sending'))) as string[],
    );
    // `sent` has no set of its own: the edition's summary counts it.
    const sentOnReplica = Number(
      (await set.replica.cli('HGET', keys.deliverySummary(editionId), 'sent')) ?? 0,
    );

    const newPort = await set.waitForFailover(oldPort);
    const failoverMs = performance.now() - killedAt;
    expect(newPort).toBe(set.replica.port);
    // The old primary comes back empty; the sentinels turn it into the new primary's replica.
    await set.primary.start();
    if (opts.workerToo) {
      worker = bed.spawnWorker();
      await worker.waitFor('workers running', 30_000);
    }

    const progress = await waitForEdition(bed.t.ctx, editionId, {
      timeoutMs: 120_000,
      intervalMs: 100,
    });
    // /healthz's own connection found the new primary too.
    const deadline = Date.now() + 10_000;
    while (!(await health.check()).ok && Date.now() < deadline) await sleep(100);
    expect(await health.check()).toMatchObject({ ok: true, redis: 'ok' });
    health.close();

    const audit = await bed.audit(editionId);
    const uncertain: string[] = [];
    for await (const ids of bed.t.ctx.deliveries.scanState(editionId, 'uncertain'))
      uncertain.push(...ids);
    console.log(
      `${opts.fault}: killed at ${atKill} messages accepted; replica had ${sentOnReplica} sent, ` +
        `${inFlight.size} sending; sentinels named the replica after ${failoverMs.toFixed(0)} ms; ` +
        `sent ${progress.sent}, uncertain ${audit.uncertain}, doubled ${audit.doubled}, lost ${audit.lost}, ` +
        `copies at the server ${sink.accepted.length}`,
    );
    recordAudit(opts.fault, 1, RECIPIENTS, audit);

    expect(audit.doubled).toBe(0);
    expect(audit.lost).toBe(0);
    expect(audit.unrecorded).toBe(0);
    expect(progress).toMatchObject({ queued: 0, sending: 0, failed: 0, bounced: 0 });
    expect(progress.sent + progress.uncertain).toBe(RECIPIENTS);
    expect(uncertain.filter((id) => !inFlight.has(id))).toEqual([]);
  };

  it('fails over: no recipient has two copies, none is lost, uncertain ⊆ what the replica had in flight', async () => {
    await failover({ fault: 'Redis primary SIGKILL under Sentinel (failover)', workerToo: false });
  }, 240_000);

  it('the primary and the worker SIGKILLed together: the same, with a new worker after the failover', async () => {
    await failover({
      fault: 'Redis primary + worker SIGKILL under Sentinel',
      workerToo: true,
    });
  }, 240_000);
});

import { afterEach, describe, expect, it } from 'vitest';
import { createKeys } from '../../src/stores/keys.js';
import { openBed, type Bed } from './support/bed.js';
import {
  editionUnderWay,
  expectPromiseKept,
  killWithWorker,
  replicaHolds,
  untilAccepted,
} from './support/failover.js';

const RECIPIENTS = 2000;

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
    const { worker, editionId, health } = await editionUnderWay(bed);

    const atKill = await untilAccepted(bed, RECIPIENTS / 4);
    const oldPort = set.primary.port;
    const killedAt = performance.now();
    const kill = killWithWorker(bed, worker, opts.workerToo);
    await kill.crash(() => set.primary.crash());
    // The sentinels promote the replica after down-after (1 s): until then nothing writes.
    const keys = createKeys(bed.t.config.prefix);
    const { inFlight, sent: sentOnReplica } = await replicaHolds(
      (...args) => set.replica.cli(...args),
      keys,
      editionId,
    );

    const newPort = await set.waitForFailover(oldPort);
    const failoverMs = performance.now() - killedAt;
    expect(newPort).toBe(set.replica.port);
    // The old primary comes back empty; the sentinels turn it into the new primary's replica.
    await set.primary.start();
    await kill.restart();

    await expectPromiseKept(bed, editionId, {
      fault: opts.fault,
      recipients: RECIPIENTS,
      inFlight,
      health,
      note:
        `killed at ${atKill} messages accepted; replica had ${sentOnReplica} sent; ` +
        `sentinels named the replica after ${failoverMs.toFixed(0)} ms`,
    });
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

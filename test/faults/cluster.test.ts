import { afterEach, describe, expect, it } from 'vitest';
import { createKeys } from '../../src/stores/keys.js';
import type { OwnRedis } from '../helpers/redis-server.js';
import { openBed, type Bed } from './support/bed.js';
import {
  editionUnderWay,
  expectPromiseKept,
  killWithWorker,
  replicaHolds,
  untilAccepted,
} from './support/failover.js';

const RECIPIENTS = 2000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A 3-primary Redis Cluster, each primary with a replica (cluster-node-timeout 2 s), a `gazette
 * worker` child that reaches it through REDIS_CLUSTER_NODES, and the primary that holds the
 * edition's delivery records (its hash tag's slot) SIGKILLed a quarter into a 2,000-recipient
 * edition. Its replica is voted primary; the killed node is started again (as a supervisor
 * would), rejoins from its nodes.conf as the new primary's replica, and claims can be made
 * durable again (REDIS_WAIT_REPLICAS defaults to 1 under Cluster).
 */
describe('a Redis Cluster primary SIGKILLed mid-edition', () => {
  let bed: Bed | undefined;
  afterEach(async () => {
    await bed?.cleanup();
    bed = undefined;
  });

  const failover = async (opts: { fault: string; workerToo: boolean }) => {
    bed = await openBed({ recipients: RECIPIENTS, cluster: true });
    const cluster = bed.cluster!;
    const { worker, editionId, health } = await editionUnderWay(bed);
    const keys = createKeys(bed.t.config.prefix, { cluster: true });
    const recordsKey = keys.delivery(editionId);
    const primary = await cluster.primaryFor(recordsKey);
    const replica = await cluster.replicaOf(primary);

    const atKill = await untilAccepted(bed, RECIPIENTS / 4);
    const killedAt = performance.now();
    const kill = killWithWorker(bed, worker, opts.workerToo);
    await kill.crash(() => primary.crash());
    const { inFlight, sent: sentOnReplica } = await replicaHolds(
      (...args) => cluster.readReplica(replica, ...args),
      keys,
      editionId,
    );

    const promoted = await cluster.waitForFailover(recordsKey, primary);
    const failoverMs = performance.now() - killedAt;
    expect(promoted).toBe(replica);
    await primary.start();
    await kill.restart();

    await expectPromiseKept(bed, editionId, {
      fault: opts.fault,
      recipients: RECIPIENTS,
      inFlight,
      health,
      note:
        `killed at ${atKill} messages accepted; replica had ${sentOnReplica} sent; ` +
        `the cluster named the replica after ${failoverMs.toFixed(0)} ms`,
    });
  };

  it('fails over to its replica: no recipient has two copies, none is lost, uncertain ⊆ what the replica had in flight', async () => {
    await failover({ fault: 'Redis Cluster primary SIGKILL (replica promoted)', workerToo: false });
  }, 240_000);

  it('the primary and the worker SIGKILLed together: the same, with a new worker after the failover', async () => {
    await failover({ fault: 'Redis Cluster primary + worker SIGKILL', workerToo: true });
  }, 240_000);

  it("a resharding moves the edition's slot to another primary mid-edition: the same promise", async () => {
    bed = await openBed({ recipients: RECIPIENTS, cluster: true });
    const cluster = bed.cluster!;
    const { editionId, health } = await editionUnderWay(bed);
    const keys = createKeys(bed.t.config.prefix, { cluster: true });
    const recordsKey = keys.delivery(editionId);
    const from = await cluster.primaryFor(recordsKey);
    let to: OwnRedis | undefined;
    for (const n of cluster.nodes)
      if (n !== from && ((await n.cli('ROLE')) as unknown[])[0] === 'master') to ??= n;

    const atMove = await untilAccepted(bed, RECIPIENTS / 4);
    const started = performance.now();
    // What is `sending` while the slot moves: a batch that met an error there may run again
    // and mark its own `sending` records uncertain, never others.
    const inFlight = new Set<string>();
    let moving = true;
    const watch = (async () => {
      while (moving) {
        for await (const ids of bed!.t.ctx.deliveries.scanState(editionId, 'sending'))
          for (const id of ids) inFlight.add(id);
        await sleep(20);
      }
    })();
    await cluster.moveSlotOf(recordsKey, to!).finally(() => (moving = false));
    await watch;
    const movedMs = performance.now() - started;
    const acceptedAfter = bed.sink!.accepted.length;
    expect(await cluster.primaryFor(recordsKey)).toBe(to);

    await expectPromiseKept(bed, editionId, {
      fault: 'Redis Cluster: the edition slot resharded mid-edition',
      recipients: RECIPIENTS,
      inFlight,
      health,
      note:
        `the slot moved at ${atMove} messages accepted, in ${movedMs.toFixed(0)} ms ` +
        `(${acceptedAfter} accepted by then)`,
    });
  }, 240_000);
});

import { createHash } from 'node:crypto';
import { FanoutJobSchema, type FanoutJob } from './payloads.js';
import type { JobDefinition } from './types.js';

/**
 * Fix the audience of an edition (every active subscriber, or those of one time zone) at this
 * moment: a `queued` record each, then batches of deliver jobs. Running it twice creates nothing
 * twice; at worst a batch job twice, and the records make its second run send nothing.
 */
export type FanoutJobResult = { audience: number; created: number; batches: number };

export const fanoutJob: JobDefinition<FanoutJob, FanoutJobResult> = {
  schema: FanoutJobSchema,
  concurrency: () => 1,
  create:
    ({ subscribers, deliveries, queues, config, now }) =>
    async (job) => {
      const { editionId, zone } = job.data;
      // The scans do not remember the ids they yielded (80 MB at a million): an id SSCAN yields
      // twice finds its record made, and at worst rides in two batches, whose compare-and-set
      // claims send it once.
      const once = { remember: false };
      /** Everyone, or one zone's readers: those who chose it, and for DIGEST_TZ those who chose none. */
      async function* audience(zone: string | null) {
        if (zone === null) return yield* subscribers.scanActive(1000, once);
        yield* subscribers.scanZone(zone, 1000, once);
        if (zone === config.digest.tz) yield* subscribers.scanZone('', 1000, once);
      }
      // Under Cluster the records (the edition's slot) and the deliver jobs (the queues' slot)
      // are on two primaries, and a failover of one does not roll the other back: a batch whose
      // records were lost would find none and send nothing. So the records are on a replica
      // before their batch is queued (on one primary, the claims' WAIT covers them too).
      const { target, waitReplicas, waitTimeoutMs } = config.redis;
      const wait =
        target.kind === 'cluster' && waitReplicas > 0
          ? { replicas: waitReplicas, timeoutMs: waitTimeoutMs }
          : undefined;
      const result = { audience: 0, created: 0, batches: 0 };
      // Who had it is forgotten once the records expire: a fan-out now would mail everyone again.
      if ((await deliveries.summary(editionId)).expired) return result;
      let pending: string[] = [];
      const flush = async (all: boolean) => {
        const jobs = [];
        while (pending.length >= config.batchSize || (all && pending.length > 0)) {
          // Never one id twice in a job: its two turns would share the job's claim owner.
          const ids = [...new Set(pending.slice(0, config.batchSize))];
          pending = pending.slice(config.batchSize);
          const digest = createHash('sha1').update(ids.join(',')).digest('hex').slice(0, 20);
          jobs.push({
            name: 'deliver' as const,
            data: { editionId, subscriberIds: ids },
            opts: { jobId: `deliver.${editionId}.${digest}` },
          });
        }
        if (jobs.length) await queues.deliver.addBulk(jobs);
        result.batches += jobs.length;
      };

      for await (const batch of audience(zone)) {
        // The index is kept by the same scripts that change a zone; the filter costs nothing.
        const ids = batch
          .filter((s) => zone === null || (s.tz ?? config.digest.tz) === zone)
          .map((s) => s.id);
        if (ids.length === 0) continue;
        result.audience += ids.length;
        const created = new Set(await deliveries.enqueueNew(editionId, ids, now(), wait));
        result.created += created.size;
        // A record made by an earlier run that died before its batch was queued is still `queued`.
        const others = ids.filter((id) => !created.has(id));
        const records = await deliveries.getMany(editionId, others);
        pending.push(...created, ...others.filter((_, i) => records[i]?.state === 'queued'));
        await flush(false);
      }
      await flush(true);
      return result;
    },
};

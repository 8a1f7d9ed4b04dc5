import { createHash, randomBytes } from 'node:crypto';
import { Worker, type Job } from 'bullmq';
import { PermanentDeliveryError, UncertainDeliveryError, errorMessage } from '../runtime/errors.js';
import { TransientDeliveryError } from '../runtime/smtp/classify.js';
import type { OutgoingMail, SendResult } from '../runtime/smtp/transport.js';
import type {
  DeliveryRecord,
  DeliveryState,
  TransitionPatch,
  TransitionStep,
} from '../stores/deliveries.js';
import type { Subscriber } from '../stores/subscribers/index.js';
import type { Suppression } from '../stores/suppressions.js';
import type { EditionMessages } from './deliver/messages.js';
import { Lane } from './deliver/lane.js';
import { Pacer } from './deliver/pacer.js';
import { DeliverJobSchema, type DeliverJob } from './payloads.js';
import type { JobDefinition, JobDeps } from './types.js';

/** Send one edition to one batch of subscribers. */
export interface DeliverJobResult {
  sent: number;
  bounced: number;
  failed: number;
  uncertain: number;
  skipped: number;
  /** Left `queued` for a delayed follow-up job: their domain is paused or past its rate. */
  deferred: number;
}

/**
 * Past this many throttled or failed attempts a record is `failed`, whatever the job's count. A
 * 421/451 counts (the message was offered); a recipient deferred before it was offered does not.
 */
const MAX_RECORD_ATTEMPTS = 12;

export const deliverJob: JobDefinition<DeliverJob, DeliverJobResult> = {
  schema: DeliverJobSchema,
  concurrency: (config) => config.concurrency,
  // A run after a crash marks what the dead one had in flight uncertain and sends only what is
  // still queued, so every crash moves the batch on and none sends twice. BullMQ's default of
  // three would fail a batch whose workers died four times, leaving its recipients queued for good.
  maxStalledCount: 100,
  create: (deps) => async (job, worker) => {
    const { editionId, subscriberIds, booked } = job.data;
    const messages = await deps.messages(editionId);
    const [subs, records] = await Promise.all([
      deps.subscribers.getMany(subscriberIds),
      deps.deliveries.getMany(editionId, subscriberIds),
    ]);
    // The suppression list, read once per batch (one HMGET), just before sending.
    const suppressed = await deps.suppressions.getMany(subs.map((s) => s?.email ?? ''));
    // Which of the batch's domains another process has paused: one round trip for all of them.
    await deps.pacer.prepare(subs.flatMap((s) => (s ? [Pacer.domainOf(s.email)] : [])));
    const deferred: (Deferral & { id: string })[] = [];
    const lastTry = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    const result: DeliverJobResult = {
      sent: 0,
      bounced: 0,
      failed: 0,
      uncertain: 0,
      skipped: 0,
      deferred: 0,
    };
    let retry: TransientDeliveryError | undefined;
    // Set when a claim was on fewer replicas than REDIS_WAIT_REPLICAS: the batch stops claiming.
    let unreplicated = false;
    // Whose claim a `sending` record is: this job, and this run of it (two runs of one job can
    // overlap when a lock is lost, and a claim seen again after a reconnect must be this run's).
    const owner = `${job.id}/${randomBytes(4).toString('hex')}`;

    const one = async (i: number, lane: Lane) => {
      let outcome: Outcome;
      try {
        outcome = await deliverOne(
          deps,
          job,
          subscriberIds[i]!,
          subs[i],
          suppressed[i],
          records[i],
          messages,
          lastTry,
          lane,
          owner,
          booked,
        );
      } catch (err) {
        // Redis trouble mid-batch: the records say where each recipient stands; run the batch again.
        outcome = new TransientDeliveryError(errorMessage(err));
      }
      if (outcome instanceof ReplicasShortError) unreplicated = true;
      if (outcome instanceof TransientDeliveryError) retry = retry?.throttle ? retry : outcome;
      else if (typeof outcome === 'object') {
        deferred.push({ ...outcome, id: subscriberIds[i]! });
        result.deferred++;
      } else result[outcome]++;
    };
    // About two messages per pooled connection in flight across the process: enough to keep the
    // pool busy, few enough that a crash leaves few records uncertain.
    const laneCount = Math.max(
      1,
      Math.ceil((deps.config.smtp.poolSize * 2) / deps.config.concurrency),
    );
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(laneCount, subscriberIds.length) }, async () => {
        const lane = new Lane(deps.deliveries, {
          replicas: deps.config.redis.waitReplicas,
          timeoutMs: deps.config.redis.waitTimeoutMs,
        });
        // Short of replicas, no lane claims more: each claim would wait out the timeout in vain.
        while (next < subscriberIds.length && !unreplicated) await one(next++, lane);
        await lane.flush().catch((err: unknown) => (lane.error ??= toError(err)));
        // A `sent` mark Redis did not take leaves its record `sending`: the batch runs again,
        // and that run marks it uncertain rather than send it twice.
        if (lane.error && !retry) retry = new TransientDeliveryError(errorMessage(lane.error));
      }),
    );

    // Before this job ends (or is retried), so that at every moment the deferred recipients are
    // someone's work: this job's while it runs, the follow-up's once it is queued. A crash in
    // between runs this batch again, and the claims let only one of the two send each of them.
    await queueFollowUps(deps, job, deferred);

    if (retry?.throttle) {
      // Too few replicas confirmed a claim: not one domain's trouble, but Redis's, so the whole
      // worker waits; the batch goes back without spending an attempt.
      await worker.rateLimit(deps.config.smtp.throttleMs);
      throw Worker.RateLimitError();
    }
    if (retry) throw new Error(`some recipients will be retried: ${retry.message}`);
    return result;
  },

  /** The batch will not run again: what is still queued failed; what it was sending is uncertain. */
  async onFinalFailure(deps, job, err) {
    const { editionId, subscriberIds } = job.data;
    const records = await deps.deliveries.getMany(editionId, subscriberIds);
    for (const [i, rec] of records.entries()) {
      const id = subscriberIds[i]!;
      if (rec?.state === 'queued')
        await deps.deliveries.transition(editionId, id, ['queued'], 'failed', {
          lastError: errorMessage(err),
        });
      if (rec?.state === 'sending' && ownedBy(rec, job.id))
        await deps.deliveries.transition(editionId, id, ['sending'], 'uncertain', {
          lastError: 'the batch ended while this message was being sent',
        });
    }
  },
};

/** The claim is on fewer replicas than asked: a pause, like a 421, not a spent attempt. */
class ReplicasShortError extends TransientDeliveryError {
  constructor(message: string) {
    super(message, undefined, true);
  }
}

/** The span of booked slots one follow-up job carries. */
const BOOKED_GROUP_MS = 100;

/** Not sent now, record untouched (`queued`): to be taken again at `at` by a follow-up job. */
interface Deferral {
  domain: string;
  at: number;
  /** It holds a booked slot of its domain's rate (DOMAIN_RATES). */
  booked: boolean;
}

type Outcome = keyof DeliverJobResult | TransientDeliveryError | Deferral;

/**
 * One delayed deliver job per domain and kind of deferral, carrying just those recipients. Its
 * id is derived from this job's and the recipients, so a rerun of this batch that defers the
 * same ones adds nothing twice, and a follow-up of a follow-up is a job of its own.
 */
async function queueFollowUps(
  deps: JobDeps,
  job: Job<DeliverJob>,
  deferred: readonly (Deferral & { id: string })[],
): Promise<void> {
  const groups = new Map<string, (Deferral & { id: string })[]>();
  for (const d of deferred) {
    // Booked slots in short groups: each group goes at its last slot, so no copy goes much
    // later than its own slot and a domain's copies never bunch up (pacer.ts).
    const key = d.booked
      ? `booked ${d.domain} ${Math.floor(d.at / BOOKED_GROUP_MS)}`
      : `paused ${d.domain}`;
    const group = groups.get(key);
    if (group) group.push(d);
    else groups.set(key, [d]);
  }
  const { editionId } = job.data;
  const now = Date.now();
  const jobs = [...groups.entries()].map(([key, group]) => {
    const ids = group.map((d) => d.id);
    const digest = createHash('sha1')
      .update(`${job.id}|${key}|${ids.join(',')}`)
      .digest('hex')
      .slice(0, 20);
    // Not before the last of them may go: a booked slot is never used early.
    const last = Math.ceil(Math.max(...group.map((d) => d.at)));
    return {
      name: 'deliver' as const,
      data: { editionId, subscriberIds: ids, ...(group[0]!.booked ? { booked: last } : {}) },
      opts: { jobId: `pace.${editionId}.${digest}`, delay: Math.max(0, last - now) },
    };
  });
  if (jobs.length) await deps.queues.deliver.addBulk(jobs);
}

/** The record's claim was made by a run of this job (an owner is `jobId/run`, or `jobId` before runs). */
const ownedBy = (rec: DeliveryRecord, jobId: string | undefined) =>
  rec.owner === jobId || rec.owner?.startsWith(`${jobId}/`) === true;

const toError = (err: unknown) => (err instanceof Error ? err : new Error(String(err)));

async function deliverOne(
  deps: JobDeps,
  job: Job<DeliverJob>,
  id: string,
  sub: Subscriber | undefined,
  suppression: Suppression | undefined,
  rec: DeliveryRecord | undefined,
  messages: EditionMessages,
  lastTry: boolean,
  lane: Lane,
  owner: string,
  booked: number | undefined,
): Promise<Outcome> {
  const { editionId } = job.data;
  const move = (from: TransitionStep['from'], to: DeliveryState, patch: TransitionPatch = {}) =>
    lane.transition({ edition: editionId, subscriber: id, from, to, patch });
  if (!rec) return 'skipped';
  if (rec.state === 'sending') {
    // This same job was sending it when its worker died: the message may have gone out.
    if (!ownedBy(rec, job.id)) return 'skipped';
    await move(['sending'], 'uncertain', { lastError: 'worker stopped while sending' });
    return 'uncertain';
  }
  if (rec.state !== 'queued') return 'skipped';
  if (!sub || sub.status !== 'active') {
    await move(['queued'], 'failed', { lastError: `subscriber is ${sub?.status ?? 'gone'}` });
    return 'failed';
  }
  if (suppression) {
    await move(['queued'], 'failed', {
      lastError: `suppressed: ${suppression.reason} (${suppression.source}, ${suppression.at})`,
    });
    return 'failed';
  }
  // A paused domain, or one past its rate, holds neither this batch nor a send slot: the record
  // stays `queued`, no attempt spent, and a follow-up job takes it when the domain allows.
  const domain = Pacer.domainOf(sub.email);
  const admission = await deps.pacer.admit(domain, booked);
  if (!admission.go) return { domain, at: admission.at, booked: admission.booked };
  // `sending` must mean "on a pool connection now": a claim waits for a free connection, so a
  // crash leaves uncertain only what was really on the wire, not what queued inside the pool.
  let release = deps.sendSlots.tryAcquire();
  if (!release) {
    await lane.flush();
    release = await deps.sendSlots.acquire();
  }
  let claimed: DeliveryState | 'none' | undefined;
  let replicated: boolean;
  try {
    ({ state: claimed, replicated } = await lane.claim({
      edition: editionId,
      subscriber: id,
      from: ['queued'],
      to: 'sending',
      patch: { countAttempt: true, owner },
    }));
    // Refused, yet this run's claim is there: the claim went out, its connection dropped before
    // the answer, and ioredis sent it again after reconnecting (to the promoted replica, after a
    // failover). The first one took; nothing has been handed over for it.
    if (!claimed) {
      const now = await deps.deliveries.get(editionId, id);
      if (now?.state === 'sending' && now.owner === owner) claimed = 'queued';
    }
  } catch (err) {
    release();
    throw err;
  }
  if (!claimed) {
    release();
    return 'skipped';
  }
  if (!replicated) {
    // Fewer replicas than REDIS_WAIT_REPLICAS hold the claim: a failover now could forget it and
    // the promoted replica would send again, so this message is not sent now. The batch goes
    // back without spending an attempt, like a 421, and waits for the replicas.
    release();
    await move(['sending'], 'queued', { lastError: 'no replica confirmed the claim in time' });
    return new ReplicasShortError(
      `fewer than ${deps.config.redis.waitReplicas} replica(s) confirmed the claim within ${deps.config.redis.waitTimeoutMs} ms`,
    );
  }

  let mail: OutgoingMail;
  try {
    mail = await messages.forSubscriber(sub);
  } catch (err) {
    // Nothing left for the wire: the slot goes back at once, and the record says why, for good.
    // Were it left `sending`, a rerun would call it uncertain, and enough of them would hold
    // every slot and stop all sending.
    release();
    await move(['sending'], 'failed', { lastError: `cannot compose: ${errorMessage(err)}` });
    return 'failed';
  }
  // The transport's time alone, for /metrics: not the record writes around it.
  const started = performance.now();
  const observe = (outcome: string) =>
    deps.observeSend?.((performance.now() - started) / 1000, outcome);
  let res: SendResult;
  try {
    res = await deps.transport
      .send(mail)
      .finally(release)
      .catch((err: unknown) => {
        observe(
          err instanceof PermanentDeliveryError
            ? 'bounced'
            : err instanceof UncertainDeliveryError
              ? 'uncertain'
              : 'error',
        );
        throw err;
      });
  } catch (err) {
    if (err instanceof PermanentDeliveryError) {
      await move(['sending'], 'bounced', { lastError: err.message, messageId: mail.messageId });
      await deps.subscribers.markBounced(id);
      await deps.suppressions.add(sub.email, 'hard-bounce', 'smtp', {
        detail: err.message,
        now: deps.now(),
      });
      return 'bounced';
    }
    if (err instanceof UncertainDeliveryError) {
      await move(['sending'], 'uncertain', { lastError: err.message, messageId: mail.messageId });
      return 'uncertain';
    }
    const transient =
      err instanceof TransientDeliveryError ? err : new TransientDeliveryError(errorMessage(err));
    if (transient.throttle) {
      // 421/451: this domain asks us to slow down, not the others. The record goes back first
      // (a Redis error after that leaves it `queued`, never `sending`), then the domain pauses
      // for every process and this recipient waits in a follow-up job; the job's attempts are
      // not spent, so only MAX_RECORD_ATTEMPTS ends a domain that never stops refusing.
      if (rec.attempts + 1 >= MAX_RECORD_ATTEMPTS) {
        await move(['sending'], 'failed', { lastError: transient.message });
        return 'failed';
      }
      await move(['sending'], 'queued', { lastError: transient.message });
      return { domain, at: await deps.pacer.throttled(domain), booked: false };
    }
    if (lastTry || rec.attempts + 1 >= MAX_RECORD_ATTEMPTS) {
      await move(['sending'], 'failed', { lastError: transient.message });
      return 'failed';
    }
    await move(['sending'], 'queued', { lastError: transient.message });
    return transient;
  }
  observe('sent');
  // Outside the try: a Redis error here must never send the record back to `queued`.
  lane.defer({
    edition: editionId,
    subscriber: id,
    from: ['sending', 'uncertain'],
    to: 'sent',
    patch: { messageId: res.messageId, response: res.response, stampSent: true },
  });
  // Best effort: a domain whose strikes were not cleared only pauses longer at its next 421.
  await deps.pacer.succeeded(domain).catch(() => {});
  return 'sent';
}

import { Worker, type Job } from 'bullmq';
import { z } from 'zod';
import { PermanentDeliveryError, UncertainDeliveryError, errorMessage } from '../errors.js';
import { TransientDeliveryError } from '../mail/classify.js';
import type { DeliveryRecord } from '../store/deliveries.js';
import type { Subscriber } from '../store/subscribers.js';
import type { EditionMessages } from '../delivery/messages.js';
import type { JobDefinition, JobDeps } from './types.js';

/** Send one edition to one batch of subscribers. */
export const DeliverJobSchema = z.object({
  editionId: z.string().min(1).max(64),
  subscriberIds: z.array(z.string().min(1).max(64)).min(1).max(10_000),
});
export type DeliverJob = z.infer<typeof DeliverJobSchema>;

export interface DeliverJobResult {
  sent: number;
  bounced: number;
  failed: number;
  uncertain: number;
  skipped: number;
}

/** Past this many throttled or failed attempts a record is `failed`, whatever the job's count. */
export const MAX_RECORD_ATTEMPTS = 12;

export const deliverJob: JobDefinition<DeliverJob, DeliverJobResult> = {
  schema: DeliverJobSchema,
  concurrency: (config) => config.concurrency,
  // A run after a crash marks what the dead one had in flight uncertain and sends only what is
  // still queued, so every crash moves the batch on and none sends twice. BullMQ's default of
  // three would fail a batch whose workers died four times, leaving its recipients queued for good.
  maxStalledCount: 100,
  create: (deps) => async (job, worker) => {
    const { editionId, subscriberIds } = job.data;
    const messages = await deps.messages(editionId);
    const [subs, records] = await Promise.all([
      deps.subscribers.getMany(subscriberIds),
      deps.deliveries.getMany(editionId, subscriberIds),
    ]);
    const lastTry = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    const result: DeliverJobResult = { sent: 0, bounced: 0, failed: 0, uncertain: 0, skipped: 0 };
    let retry: TransientDeliveryError | undefined;

    const one = async (i: number) => {
      let outcome: Outcome;
      try {
        outcome = await deliverOne(
          deps,
          job,
          subscriberIds[i]!,
          subs[i],
          records[i],
          messages,
          lastTry,
        );
      } catch (err) {
        // Redis trouble mid-batch: the records say where each recipient stands; run the batch again.
        outcome = new TransientDeliveryError(errorMessage(err));
      }
      if (outcome instanceof TransientDeliveryError) retry = retry?.throttle ? retry : outcome;
      else result[outcome]++;
    };
    // About two messages per pooled connection in flight across the process: enough to keep the
    // pool busy, few enough that a crash leaves few records uncertain.
    const lanes = Math.max(1, Math.ceil((deps.config.smtp.poolSize * 2) / deps.config.concurrency));
    await mapLimit(subscriberIds.length, lanes, one);

    if (retry?.throttle) {
      // 421/451: the server asks us to slow down; the batch goes back without spending an attempt.
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
      if (rec?.state === 'sending' && rec.owner === job.id)
        await deps.deliveries.transition(editionId, id, ['sending'], 'uncertain', {
          lastError: 'the batch ended while this message was being sent',
        });
    }
  },
};

type Outcome = keyof DeliverJobResult | TransientDeliveryError;

async function deliverOne(
  deps: JobDeps,
  job: Job<DeliverJob>,
  id: string,
  sub: Subscriber | undefined,
  rec: DeliveryRecord | undefined,
  messages: EditionMessages,
  lastTry: boolean,
): Promise<Outcome> {
  const { editionId } = job.data;
  const { deliveries } = deps;
  if (!rec) return 'skipped';
  if (rec.state === 'sending') {
    // This same job was sending it when its worker died: the message may have gone out.
    if (rec.owner !== job.id) return 'skipped';
    await deliveries.transition(editionId, id, ['sending'], 'uncertain', {
      lastError: 'worker stopped while sending',
    });
    return 'uncertain';
  }
  if (rec.state !== 'queued') return 'skipped';
  if (!sub || sub.status !== 'active') {
    await deliveries.transition(editionId, id, ['queued'], 'failed', {
      lastError: `subscriber is ${sub?.status ?? 'gone'}`,
    });
    return 'failed';
  }
  const claimed = await deliveries.transition(editionId, id, ['queued'], 'sending', {
    countAttempt: true,
    owner: job.id,
  });
  if (!claimed) return 'skipped';

  const mail = messages.forSubscriber(sub);
  // The transport's time alone, for /metrics: not the record writes around it.
  const started = performance.now();
  const observe = (outcome: string) =>
    deps.observeSend?.((performance.now() - started) / 1000, outcome);
  try {
    const res = await deps.transport.send(mail).catch((err: unknown) => {
      observe(
        err instanceof PermanentDeliveryError
          ? 'bounced'
          : err instanceof UncertainDeliveryError
            ? 'uncertain'
            : 'error',
      );
      throw err;
    });
    observe('sent');
    await deliveries.transition(editionId, id, ['sending', 'uncertain'], 'sent', {
      messageId: res.messageId,
      response: res.response,
      stampSent: true,
    });
    return 'sent';
  } catch (err) {
    if (err instanceof PermanentDeliveryError) {
      await deliveries.transition(editionId, id, ['sending'], 'bounced', {
        lastError: err.message,
        messageId: mail.messageId,
      });
      await deps.subscribers.markBounced(id);
      return 'bounced';
    }
    if (err instanceof UncertainDeliveryError) {
      await deliveries.transition(editionId, id, ['sending'], 'uncertain', {
        lastError: err.message,
        messageId: mail.messageId,
      });
      return 'uncertain';
    }
    const transient =
      err instanceof TransientDeliveryError ? err : new TransientDeliveryError(errorMessage(err));
    if (lastTry || rec.attempts + 1 >= MAX_RECORD_ATTEMPTS) {
      await deliveries.transition(editionId, id, ['sending'], 'failed', {
        lastError: transient.message,
      });
      return 'failed';
    }
    await deliveries.transition(editionId, id, ['sending'], 'queued', {
      lastError: transient.message,
    });
    return transient;
  }
}

async function mapLimit(n: number, limit: number, fn: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < n) await fn(next++);
  };
  await Promise.all(Array.from({ length: Math.min(limit, n) }, lane));
}

import { createHash } from 'node:crypto';
import type { Context } from './context.js';
import { InvalidSubscriberError, NotFoundError } from '../runtime/errors.js';
import type { DeliveryState } from '../stores/deliveries.js';
import { createKeys } from '../stores/keys.js';

export interface ResendRequest {
  editionId: string;
  /** One subscriber, even if they already have it. */
  to?: string;
  /** Every record in these states (`failed`, `uncertain`); with neither `to` nor states: everyone. */
  states?: ('failed' | 'uncertain')[];
  reason: string;
  actor: string;
  /** When the operator asked (default: now); a record queued since then is left alone. */
  requestedAt?: Date;
}

export interface ResendResult {
  editionId: string;
  mode: string;
  recipients: number;
  batches: number;
}

/** Everyone: every record but bounced ones (and `sending`, which is someone's work right now). */
const EVERYONE: DeliveryState[] = ['sent', 'failed', 'uncertain'];

/**
 * An operator's resend. Each record is moved back to `queued` by compare-and-set, so two resends
 * at once queue each recipient once; the audit list keeps who asked, when and why.
 */
export async function resend(
  ctx: Pick<Context, 'editions' | 'deliveries' | 'subscribers' | 'queues' | 'redis' | 'config'>,
  req: ResendRequest,
): Promise<ResendResult> {
  const edition = await ctx.editions.get(req.editionId);
  if (!edition) throw new NotFoundError(`no edition "${req.editionId}"`);
  if (edition.status !== 'rendered')
    throw new NotFoundError(`edition "${req.editionId}" has not been rendered yet`);
  const { editionId } = req;
  const mode = req.to ? 'to-one' : req.states?.length ? req.states.join('+') : 'everyone';
  // Two resends asked for at once must not both queue a record: one that was queued again after
  // this request was made (and maybe sent already) is the other request's work.
  const queuedBefore = req.requestedAt ?? new Date();
  let subscriberId: string | undefined;
  const at = new Date().toISOString();
  let recipients = 0;
  let batches = 0;
  // Queued as they are found, a batch of jobs at a time: a resend of a million records never
  // holds every id, nor every job, at once.
  let pending: string[] = [];
  const queue = async (all: boolean) => {
    const jobs = [];
    while (pending.length >= ctx.config.batchSize || (all && pending.length > 0)) {
      const chunk = pending.slice(0, ctx.config.batchSize);
      pending = pending.slice(ctx.config.batchSize);
      const digest = createHash('sha1')
        .update(`${at}:${chunk.join(',')}`)
        .digest('hex')
        .slice(0, 20);
      jobs.push({
        name: 'deliver' as const,
        data: { editionId, subscriberIds: chunk },
        opts: { jobId: `resend.${editionId}.${digest}` },
      });
    }
    if (jobs.length) await ctx.queues.deliver.addBulk(jobs);
    batches += jobs.length;
  };

  if (req.to) {
    const sub = await ctx.subscribers.findByEmail(req.to);
    if (!sub) throw new NotFoundError(`no subscriber ${req.to}`);
    if (sub.status !== 'active')
      throw new InvalidSubscriberError(
        `${sub.email} is ${sub.status}; only active subscribers get mail`,
      );
    subscriberId = sub.id;
    const from = await ctx.deliveries.transition(
      editionId,
      sub.id,
      ['none', ...EVERYONE],
      'queued',
      { countResend: true, queuedBefore },
    );
    if (from) {
      pending.push(sub.id);
      recipients++;
    }
  } else {
    for (const state of req.states?.length ? req.states : EVERYONE) {
      for await (const batch of ctx.deliveries.scanState(editionId, state)) {
        // Each its own compare-and-set, a scanned batch in one round trip.
        const outcomes = await ctx.deliveries.transitionMany(
          batch.map((id) => ({
            edition: editionId,
            subscriber: id,
            from: [state],
            to: 'queued' as const,
            patch: { countResend: true, queuedBefore },
          })),
        );
        for (const [i, o] of outcomes.entries()) {
          if (o.error) throw o.error;
          if (!o.state) continue;
          pending.push(batch[i]!);
          recipients++;
        }
        await queue(false);
      }
    }
  }
  await queue(true);
  // The subscriber's id, not the address: erasing a subscriber must leave no address here.
  await audit(ctx, {
    at,
    action: 'resend',
    editionId,
    mode,
    ...(subscriberId ? { subscriberId } : {}),
    recipients,
    reason: req.reason,
    actor: req.actor,
  });
  return { editionId, mode, recipients, batches };
}

export interface AuditEntry {
  at: string;
  action: string;
  editionId: string;
  mode: string;
  subscriberId?: string;
  recipients: number;
  reason: string;
  actor: string;
}

async function audit(ctx: Pick<Context, 'redis' | 'config'>, entry: AuditEntry): Promise<void> {
  const key = createKeys(ctx.config.prefix, { cluster: ctx.redis.isCluster }).audit;
  await ctx.redis.multi().lpush(key, JSON.stringify(entry)).ltrim(key, 0, 9_999).exec();
}

/** Newest first. */
export async function readAudit(
  ctx: Pick<Context, 'redis' | 'config'>,
  limit = 50,
): Promise<AuditEntry[]> {
  const rows = await ctx.redis.lrange(
    createKeys(ctx.config.prefix, { cluster: ctx.redis.isCluster }).audit,
    0,
    limit - 1,
  );
  return rows.map((r) => JSON.parse(r) as AuditEntry);
}

import type { Context } from './context.js';
import { NotFoundError } from '../runtime/errors.js';
import { QUEUE_NAMES, type QueueName } from '../jobs/queues.js';
import type { DeliveryState } from '../stores/deliveries.js';

type QueueCounts = Record<'waiting' | 'active' | 'delayed' | 'completed' | 'failed', number>;

/** The shape of `gazette status --json` (documented in the README). */
export interface StatusReport {
  queues: Record<QueueName, QueueCounts>;
  editions: {
    id: string;
    createdAt: string;
    subject: string | null;
    status: string;
    articles: number;
    sends: number;
    deliveries: Record<DeliveryState, number> & { total: number };
    /** The records have expired (RECORD_TTL_DAYS): `deliveries` is the summary kept of them. */
    recordsExpired: boolean;
    /** The first and the last copy marked `sent` (null before any, or for older editions). */
    sentFrom: string | null;
    sentUntil: string | null;
    /** Bounces (in the session or by DSN) and ARF complaints, over the copies that left. */
    rates: { complaints: number; bounceRate: number; complaintRate: number };
  }[];
}

const ratio = (n: number, of: number) => (of === 0 ? 0 : Math.round((n / of) * 1e6) / 1e6);

export async function statusReport(
  ctx: Pick<Context, 'queues' | 'editions' | 'deliveries' | 'inbound'>,
  editionId?: string,
  recent = 5,
): Promise<StatusReport> {
  const queues = {} as Record<QueueName, QueueCounts>;
  for (const name of QUEUE_NAMES) {
    const c = await ctx.queues[name].getJobCounts(
      'waiting',
      'active',
      'delayed',
      'completed',
      'failed',
      'prioritized',
    );
    queues[name] = {
      waiting: (c.waiting ?? 0) + (c.prioritized ?? 0),
      active: c.active ?? 0,
      delayed: c.delayed ?? 0,
      completed: c.completed ?? 0,
      failed: c.failed ?? 0,
    };
  }
  const ids = editionId ? [editionId] : await ctx.editions.listIds(recent);
  const editions = [];
  for (const id of ids) {
    const e = await ctx.editions.get(id);
    if (!e) throw new NotFoundError(`no edition "${id}"`);
    const summary = await ctx.deliveries.summary(id);
    const deliveries = summary.counts;
    const complaints = await ctx.inbound.complaints(id);
    const left = deliveries.sent + deliveries.bounced;
    editions.push({
      id,
      createdAt: e.createdAt,
      subject: e.subject ?? null,
      status: e.status,
      articles: e.articleIds.length,
      sends: e.sends,
      deliveries,
      recordsExpired: summary.expired,
      sentFrom: summary.firstSentAt ?? null,
      sentUntil: summary.lastSentAt ?? null,
      rates: {
        complaints,
        bounceRate: ratio(deliveries.bounced, left),
        complaintRate: ratio(complaints, left),
      },
    });
  }
  return { queues, editions };
}

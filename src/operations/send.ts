import { NotFoundError } from '../runtime/errors.js';
import { claimEdition } from '../jobs/edition.js';
import type { Schedule } from '../jobs/payloads.js';
import type { Context } from './context.js';

export type SendResult =
  | { outcome: 'nothing-new' }
  | { outcome: 'queued'; editionId: string; jobId: string; articles: number; schedule: Schedule };

/**
 * `gazette send`: an edition of the articles not yet in one (or the one named, to deliver it to
 * whoever does not have it yet), handed to the edition job with its schedule.
 */
export async function sendEdition(
  ctx: Pick<Context, 'editions' | 'deliveries' | 'queues' | 'config'>,
  opts: { editionId?: string; schedule: Schedule; now?: Date },
): Promise<SendResult> {
  const now = opts.now ?? new Date();
  let editionId = opts.editionId;
  let articles: number;
  if (editionId) {
    const existing = await ctx.editions.get(editionId);
    if (!existing) throw new NotFoundError(`no edition "${editionId}"`);
    articles = existing.articleIds.length;
    if ((await ctx.deliveries.summary(editionId)).expired)
      throw new NotFoundError(
        `the delivery records of edition "${editionId}" have expired (RECORD_TTL_DAYS): sending it again would give every reader a second copy`,
      );
  } else {
    const made = await claimEdition(ctx, now);
    if (!made) return { outcome: 'nothing-new' };
    editionId = made.id;
    articles = made.articleIds.length;
  }
  const job = await ctx.queues.edition.add('edition', { editionId, schedule: opts.schedule });
  return { outcome: 'queued', editionId, jobId: job.id ?? '', articles, schedule: opts.schedule };
}

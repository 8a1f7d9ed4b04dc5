import type { Context } from './context.js';
import type { DeliveryState } from '../stores/deliveries.js';

export type EditionProgress = Record<DeliveryState, number> & {
  total: number;
  /** No job of the edition is waiting, running or delayed, and no record is queued or sending. */
  done: boolean;
};

/** Where an edition stands: its records by state, and whether any of its work is left. */
async function editionProgress(
  ctx: Pick<Context, 'deliveries' | 'queues'>,
  editionId: string,
): Promise<EditionProgress> {
  const counts = await ctx.deliveries.counts(editionId);
  const busy = await Promise.all(
    (['edition', 'fanout', 'deliver'] as const).map(async (name) => {
      const c = await ctx.queues[name].getJobCounts(
        'waiting',
        'active',
        'delayed',
        'prioritized',
        'waiting-children',
      );
      return Object.values(c).reduce((a, b) => a + b, 0);
    }),
  );
  const working = busy.some((n) => n > 0);
  return { ...counts, done: !working && counts.queued === 0 && counts.sending === 0 };
}

/** Polls until the edition's work has ended (or `timeoutMs` passes); reports each step. */
export async function waitForEdition(
  ctx: Pick<Context, 'deliveries' | 'queues'>,
  editionId: string,
  opts: { timeoutMs?: number; intervalMs?: number; onProgress?: (p: EditionProgress) => void } = {},
): Promise<EditionProgress> {
  const deadline = Date.now() + (opts.timeoutMs ?? 30 * 60_000);
  for (;;) {
    const p = await editionProgress(ctx, editionId);
    opts.onProgress?.(p);
    if (p.done) return p;
    if (Date.now() > deadline)
      throw new Error(`edition ${editionId} not finished after ${opts.timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 250));
  }
}

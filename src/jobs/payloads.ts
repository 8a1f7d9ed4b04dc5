import { z } from 'zod';
import { LOCAL_TIME } from '../domain/local-time.js';

/*
 * Every queue's payload, validated again in its worker (a job may have been queued by an older
 * version, by hand, or by someone else on the same Redis). The queues (queues.ts) and the jobs
 * both depend on these; neither depends on the other for them.
 */

const ScheduleSchema = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('now') }),
  z.object({ mode: z.literal('at'), at: z.iso.datetime({ offset: true }) }),
  z.object({ mode: z.literal('local'), time: z.string().regex(LOCAL_TIME, 'must be HH:MM') }),
]);
export type Schedule = z.infer<typeof ScheduleSchema>;

/** Render an edition once and schedule its fan-out; without an id, first make one of new articles. */
export const EditionJobSchema = z.object({
  editionId: z.string().min(1).max(64).optional(),
  schedule: ScheduleSchema,
});
export type EditionJob = z.infer<typeof EditionJobSchema>;

/** Fix the audience of an edition (every active subscriber, or those of one zone). */
export const FanoutJobSchema = z.object({
  editionId: z.string().min(1).max(64),
  zone: z.string().min(1).max(64).nullable(),
});
export type FanoutJob = z.infer<typeof FanoutJobSchema>;

/** Send one edition to one batch of subscribers. */
export const DeliverJobSchema = z.object({
  editionId: z.string().min(1).max(64),
  subscriberIds: z.array(z.string().min(1).max(64)).min(1).max(10_000),
  /**
   * A follow-up of recipients deferred by their domain's configured rate: each holds a booked
   * slot of it, the last at this time (ms since epoch), and the job is delayed until then. Run
   * much later (a busy queue), the slots are stale and the recipients take new ones.
   */
  booked: z.number().int().positive().optional(),
});
export type DeliverJob = z.infer<typeof DeliverJobSchema>;

import { UnrecoverableError } from 'bullmq';
import { MAX_STORIES, editionIdFor, makeEdition } from '../domain/edition/edition.js';
import type { StoredEdition } from '../stores/editions.js';
import { renderEdition } from '../domain/render/render.js';
import { nextLocalTime } from '../domain/local-time.js';
import { EditionJobSchema, type EditionJob, type Schedule } from './payloads.js';
import type { JobDefinition, JobDeps } from './types.js';

export type EditionJobResult =
  | { outcome: 'nothing-new' }
  | {
      outcome: 'scheduled';
      editionId: string;
      fanouts: { zone: string | null; delayMs: number }[];
    };

export const editionJob: JobDefinition<EditionJob, EditionJobResult> = {
  schema: EditionJobSchema,
  concurrency: () => 1,
  create: (deps) => async (job) => {
    const now = deps.now();
    let id = job.data.editionId;
    if (!id) {
      const made = await claimEdition(deps, now);
      // A recurring tick with no new articles sends nothing.
      if (!made) return { outcome: 'nothing-new' };
      id = made.id;
      await job.updateData({ ...job.data, editionId: id });
    }
    await ensureRendered(deps, id);
    const fanouts = await fanoutPlan(deps, job.data.schedule, now);
    await deps.editions.countSend(id);
    await deps.queues.fanout.addBulk(
      fanouts.map(({ zone, delayMs }) => ({
        name: 'fanout',
        data: { editionId: id, zone },
        opts: {
          delay: delayMs,
          jobId: `fanout.${id}.${job.id}.${zone ?? 'all'}`.replace(/[:/]/g, '_'),
        },
      })),
    );
    deps.log.info({ editionId: id, fanouts }, 'edition scheduled');
    return { outcome: 'scheduled', editionId: id, fanouts };
  },
};

/**
 * The one place an edition is made: the newest candidates (selectStories' rule, applied in Redis
 * by the claim script) under the day's name in DIGEST_TZ. The recurring digest comes here through
 * the job; `send` and `run` call it before queueing the job, so that they know the edition's id.
 * Undefined when there is nothing new.
 */
export function claimEdition(
  deps: Pick<JobDeps, 'editions' | 'config'>,
  now: Date,
): Promise<StoredEdition | undefined> {
  return deps.editions.createFromCandidates(
    editionIdFor(now, deps.config.digest.tz),
    MAX_STORIES,
    now,
  );
}

/** Compiles the edition's MJML once and stores the result; a re-run finds it done. */
export async function ensureRendered(
  deps: Pick<JobDeps, 'editions' | 'articles' | 'config'>,
  id: string,
): Promise<void> {
  const stored = await deps.editions.get(id);
  if (!stored) throw new UnrecoverableError(`edition ${id} does not exist`);
  if (stored.status === 'rendered') return;
  const articles = await deps.articles.getMany(stored.articleIds);
  if (articles.length === 0)
    throw new UnrecoverableError(`edition ${id}: none of its articles is stored any more`);
  const edition = makeEdition(articles, { id, date: stored.createdAt });
  await deps.editions.saveRendered(id, await renderEdition(edition, deps.config));
}

/** One fan-out now, one at a time, or one per time zone at that zone's local time. */
async function fanoutPlan(
  deps: Pick<JobDeps, 'subscribers' | 'config'>,
  schedule: Schedule,
  now: Date,
): Promise<{ zone: string | null; delayMs: number }[]> {
  if (schedule.mode === 'now') return [{ zone: null, delayMs: 0 }];
  if (schedule.mode === 'at')
    return [{ zone: null, delayMs: Math.max(0, Date.parse(schedule.at) - now.getTime()) }];
  // From the zone index: no pass over every subscriber. '' is those who read in DIGEST_TZ.
  const indexed = await deps.subscribers.activeZones();
  const zones = new Set(indexed.map((z) => z || deps.config.digest.tz));
  return [...zones].sort().map((zone) => ({
    zone,
    delayMs: nextLocalTime(now, schedule.time, zone).getTime() - now.getTime(),
  }));
}

import type { Config } from '../runtime/config.js';
import type { Queues } from './queues.js';

export const DIGEST_SCHEDULER_ID = 'digest';

/**
 * The recurring digest: a BullMQ job scheduler on the edition queue, one per prefix whatever the
 * number of processes that start (upsert by id is idempotent). Unset DIGEST_CRON removes it.
 */
export async function syncDigestScheduler(
  queues: Pick<Queues, 'edition'>,
  config: Config,
): Promise<'upserted' | 'removed' | 'none'> {
  const { cron, tz, localTime } = config.digest;
  if (!cron) {
    return (await queues.edition.removeJobScheduler(DIGEST_SCHEDULER_ID)) ? 'removed' : 'none';
  }
  await queues.edition.upsertJobScheduler(
    DIGEST_SCHEDULER_ID,
    { pattern: cron, tz },
    {
      name: 'edition',
      data: { schedule: localTime ? { mode: 'local', time: localTime } : { mode: 'now' } },
    },
  );
  return 'upserted';
}

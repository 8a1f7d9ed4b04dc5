import type { Redis } from '../../runtime/redis.js';
import type { Keys } from '../keys.js';
import { loadScript } from '../scripts.js';

/**
 * Signups nobody confirmed: each is noted with the end of its confirmation window, and a sweep
 * erases those whose window has ended and that are still pending, so that a form filled with
 * other people's addresses leaves no lasting record of them.
 */
export function createPendingSignups({ redis, keys }: { redis: Redis; keys: Keys }) {
  const purgeScript = loadScript(redis, 'purge-pending-subscriber');
  return {
    /** A confirmation was asked for: the record lives until `until` unless confirmed. */
    async notePending(id: string, until: Date): Promise<void> {
      await redis.zadd(keys.subscribersPending, until.getTime(), id);
    },

    /** Erases up to `limit` expired pending signups; returns how many. */
    async purgeExpiredPending(now = new Date(), limit = 500): Promise<number> {
      const ids = await redis.zrangebyscore(
        keys.subscribersPending,
        '-inf',
        now.getTime(),
        'LIMIT',
        0,
        limit,
      );
      let purged = 0;
      for (const id of ids) {
        const indexes = [
          keys.subscriberByEmail,
          keys.subscribersByCreated,
          keys.subscribersActive,
          keys.subscribersPending,
        ];
        purged += Number(await purgeScript.run(indexes, [id, keys.subscriber(''), now.getTime()]));
      }
      return purged;
    },
  };
}

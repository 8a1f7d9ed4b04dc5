import { NotFoundError } from '../../runtime/errors.js';
import type { Redis } from '../../runtime/redis.js';
import { createSubscriberChanges } from './changes.js';
import { decodeFlat, decodeSubscriber, type Subscriber } from '../../domain/subscribers/model.js';
import { createPendingSignups } from './pending.js';
import { createSubscriberQueries } from './queries.js';
import { createSubscriberUpserts } from './upsert.js';
import { lookupEmail } from '../../domain/subscribers/validate.js';
import { createKeys } from '../keys.js';
import { loadScript } from '../scripts.js';

export type { AddOutcome, Subscriber } from '../../domain/subscribers/model.js';
export { prepareSubscriber } from '../../domain/subscribers/model.js';
export { normalizeEmail } from '../../domain/subscribers/validate.js';

/**
 * Subscribers in Redis: a hash per subscriber, the address → id hash, the creation-ordered zset
 * and the set of active ids. Every write that touches more than one of them is one Lua script.
 */
export function createSubscriberStore({ redis, prefix }: { redis: Redis; prefix: string }) {
  const keys = createKeys(prefix, { cluster: redis.isCluster });
  const removeScript = loadScript(redis, 'remove-subscriber');

  const get = async (id: string): Promise<Subscriber | undefined> =>
    decodeSubscriber(await redis.hgetall(keys.subscriber(id)));

  /** One round trip; the answer lines up with `ids` (undefined where there is no record). */
  const getMany = async (ids: string[]): Promise<(Subscriber | undefined)[]> => {
    if (ids.length === 0) return [];
    const pipeline = redis.pipeline();
    for (const id of ids) pipeline.hgetall(keys.subscriber(id));
    const rows = (await pipeline.exec()) ?? [];
    return rows.map(([err, h]) => {
      if (err) throw err;
      return decodeSubscriber(h as Record<string, string>);
    });
  };

  const mustGet = async (id: string): Promise<Subscriber> => {
    const s = await get(id);
    if (!s) throw new NotFoundError(`no subscriber with id ${JSON.stringify(id)}`);
    return s;
  };

  return {
    ...createSubscriberUpserts({ redis, keys, mustGet }),
    get,
    getMany,

    /** Looks the address up in its stored form (international domains in ASCII), without judging it. */
    async findByEmail(email: string): Promise<Subscriber | undefined> {
      const id = await redis.hget(keys.subscriberByEmail, lookupEmail(email));
      return id ? get(id) : undefined;
    },

    ...createSubscriberChanges({ redis, keys, mustGet }),

    /** Erases the record and every index entry (GDPR); returns what was erased. */
    async remove(email: string): Promise<Subscriber | undefined> {
      const indexes = [
        keys.subscriberByEmail,
        keys.subscribersByCreated,
        keys.subscribersActive,
        keys.subscriberZones,
      ];
      const args = [lookupEmail(email), keys.subscriber(''), keys.subscribersInZone];
      return decodeFlat(await removeScript.run(indexes, args));
    },

    ...createSubscriberQueries({ redis, keys, getMany }),
    ...createPendingSignups({ redis, keys }),
  };
}

export type SubscriberStore = ReturnType<typeof createSubscriberStore>;

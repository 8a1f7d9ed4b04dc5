import { randomBytes } from 'node:crypto';
import type { Redis } from '../redis.js';
import type { Keys } from '../store/keys.js';
import { UPSERT, luaScript } from './lua.js';
import {
  prepareSubscriber,
  type AddOutcome,
  type PreparedSubscriber,
  type Subscriber,
  type SubscriberInput,
} from './model.js';

const upsert = luaScript(UPSERT);

const newId = () => randomBytes(8).toString('hex');

interface Deps {
  redis: Redis;
  keys: Keys;
  mustGet(id: string): Promise<Subscriber>;
}

/** Adding addresses, one (an operator, a form) or many (an import), with the same script. */
export function createSubscriberUpserts({ redis, keys, mustGet }: Deps) {
  const indexes = [keys.subscriberByEmail, keys.subscribersByCreated, keys.subscribersActive];
  const recordPrefix = keys.subscriber('');

  const call = (p: PreparedSubscriber, now: Date, touchSuppressed: boolean) => {
    const id = newId();
    const args = [p.email, id, recordPrefix, p.name ?? '', p.tz ?? '', p.status];
    return {
      keys: [...indexes, keys.subscriber(id)],
      args: [...args, now.toISOString(), now.getTime(), touchSuppressed ? '1' : '0'],
    };
  };

  /** Draws another id in the (2^-64) case that the random one is taken. */
  const upsertOne = async (p: PreparedSubscriber, now: Date, touchSuppressed: boolean) => {
    for (;;) {
      const { keys: k, args } = call(p, now, touchSuppressed);
      const [outcome, id] = (await upsert.run(redis, k, args)) as [string, string];
      if (outcome !== 'collision') return { outcome: outcome as AddOutcome, id };
    }
  };

  return {
    /**
     * Idempotent on the address: an existing one keeps its id, createdAt and status (an
     * unsubscribed or bounced address is never re-activated here); a given name or tz replaces
     * the stored one. One Lua script, so concurrent adds of one address make one subscriber.
     */
    async add(
      input: SubscriberInput,
      now = new Date(),
    ): Promise<{ subscriber: Subscriber; created: boolean; outcome: AddOutcome }> {
      const { outcome, id } = await upsertOne(prepareSubscriber(input), now, true);
      return { subscriber: await mustGet(id), created: outcome === 'created', outcome };
    },

    /**
     * Many prepared rows in one pipeline (an import). Unsubscribed and bounced addresses come
     * back `skipped`: left exactly as they are, name and tz included.
     */
    async addMany(rows: PreparedSubscriber[], now = new Date()): Promise<AddOutcome[]> {
      if (rows.length === 0) return [];
      const pipeline = redis.pipeline();
      upsert.load(pipeline);
      for (const p of rows) {
        const { keys: k, args } = call(p, now, false);
        upsert.queue(pipeline, k, args);
      }
      const replies = ((await pipeline.exec()) ?? []).slice(1);
      const outcomes: AddOutcome[] = [];
      for (const [i, [err, reply]] of replies.entries()) {
        if (err) throw err;
        const outcome = (reply as [string, string])[0];
        outcomes.push(
          outcome === 'collision'
            ? (await upsertOne(rows[i]!, now, false)).outcome
            : (outcome as AddOutcome),
        );
      }
      return outcomes;
    },
  };
}

import { randomBytes } from 'node:crypto';
import type { Redis } from '../../runtime/redis.js';
import type { Keys } from '../keys.js';
import { loadScript } from '../scripts.js';
import {
  prepareSubscriber,
  type AddOutcome,
  type PreparedSubscriber,
  type Subscriber,
  type SubscriberInput,
} from '../../domain/subscribers/model.js';

const newId = () => randomBytes(8).toString('hex');

interface Deps {
  redis: Redis;
  keys: Keys;
  mustGet(id: string): Promise<Subscriber>;
}

/** Adding addresses, one (an operator, a form) or many (an import), with the same script. */
export function createSubscriberUpserts({ redis, keys, mustGet }: Deps) {
  const upsert = loadScript(redis, 'upsert-subscribers');
  const indexes = [
    keys.subscriberByEmail,
    keys.subscribersByCreated,
    keys.subscribersActive,
    keys.subscriberZones,
  ];

  /** One script call for all rows; ids drawn again for the (2^-64) rows whose id was taken. */
  const upsertAll = async (rows: PreparedSubscriber[], now: Date, touchSuppressed: boolean) => {
    const result: { outcome: AddOutcome; id: string }[] = new Array(rows.length);
    let todo = rows.map((_, i) => i);
    while (todo.length > 0) {
      const args: string[] = [keys.subscriber(''), now.toISOString(), String(now.getTime())];
      args.push(touchSuppressed ? '1' : '0', keys.subscribersInZone);
      for (const i of todo) {
        const p = rows[i]!;
        args.push(p.email, newId(), p.name ?? '', p.tz ?? '', p.status);
      }
      const reply = (await upsert.run(indexes, args)) as string[];
      const again: number[] = [];
      for (const [n, i] of todo.entries()) {
        const outcome = reply[2 * n]!;
        if (outcome === 'collision') again.push(i);
        else result[i] = { outcome: outcome as AddOutcome, id: reply[2 * n + 1]! };
      }
      todo = again;
    }
    return result;
  };

  return {
    /**
     * Idempotent on the address: an existing one keeps its id, createdAt and status (an
     * unsubscribed, bounced or complained address is never re-activated here); a given name or tz replaces
     * the stored one. One Lua script, so concurrent adds of one address make one subscriber.
     */
    async add(
      input: SubscriberInput,
      now = new Date(),
    ): Promise<{ subscriber: Subscriber; created: boolean; outcome: AddOutcome }> {
      const [{ outcome, id }] = (await upsertAll([prepareSubscriber(input)], now, true)) as [
        { outcome: AddOutcome; id: string },
      ];
      return { subscriber: await mustGet(id), created: outcome === 'created', outcome };
    },

    /**
     * Many prepared rows in one atomic script call (an import; keep it to about 500 rows, which
     * holds Redis for a few milliseconds). Unsubscribed and bounced addresses come back
     * `skipped`: left exactly as they are, name and tz included.
     */
    async addMany(rows: PreparedSubscriber[], now = new Date()): Promise<AddOutcome[]> {
      if (rows.length === 0) return [];
      return (await upsertAll(rows, now, false)).map((r) => r.outcome);
    },
  };
}

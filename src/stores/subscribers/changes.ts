import { NotFoundError } from '../../runtime/errors.js';
import type { Redis } from '../../runtime/redis.js';
import type { Keys } from '../keys.js';
import { loadScript } from '../scripts.js';
import type { Subscriber } from '../../domain/subscribers/model.js';
import {
  cleanName,
  normalizeTimeZone,
  parseStatus,
  type SubscriberStatus,
} from '../../domain/subscribers/validate.js';

interface Deps {
  redis: Redis;
  keys: Keys;
  mustGet(id: string): Promise<Subscriber>;
}

const notFound = (id: string) => new NotFoundError(`no subscriber with id ${JSON.stringify(id)}`);

/**
 * Changes to one subscriber by id. Each is one script that also keeps the active set equal to
 * the ids whose status is active; each is idempotent; each throws NotFoundError for an unknown id.
 */
export function createSubscriberChanges({ redis, keys, mustGet }: Deps) {
  const setStatusScript = loadScript(redis, 'set-subscriber-status');
  const setField = loadScript(redis, 'set-subscriber-field');
  /** `from`: the statuses the change applies to; from any other the record is left as it is. */
  const transition = async (
    id: string,
    to: SubscriberStatus,
    from: SubscriberStatus[] | 'any',
    now = new Date(),
  ): Promise<Subscriber> => {
    const allowed = from === 'any' ? '' : `,${from.join(',')},`;
    const k = [keys.subscriber(id), keys.subscribersActive, keys.subscriberZones];
    const args = [id, parseStatus(to), allowed, now.toISOString(), keys.subscribersInZone];
    const final = await setStatusScript.run(k, args);
    if (final === null) throw notFound(id);
    return mustGet(id);
  };

  const patch = async (
    id: string,
    field: 'name' | 'tz',
    value: string | null,
    now = new Date(),
  ) => {
    const args = [field, value ?? '', now.toISOString(), keys.subscribersInZone, id];
    const k = [keys.subscriber(id), keys.subscriberZones];
    if ((await setField.run(k, args)) === null) throw notFound(id);
    return mustGet(id);
  };

  return {
    /** Explicit: any status to any other (an operator's decision). */
    setStatus: (id: string, status: SubscriberStatus, now?: Date) =>
      transition(id, status, 'any', now),
    /** pending → active; an active one stays; an unsubscribed or bounced one is left as it is. */
    confirm: (id: string, now?: Date) => transition(id, 'active', ['pending', 'active'], now),
    unsubscribe: (id: string, now?: Date) => transition(id, 'unsubscribed', 'any', now),
    /**
     * A spam complaint: from any status, for it says more than an unsubscribe (the person never
     * wants this mail) and, unlike `unsubscribed`, an import or an add never revives it.
     */
    markComplained: (id: string, now?: Date) => transition(id, 'complained', 'any', now),
    /** A bounce does not overwrite an unsubscribe: the person's own choice is the one to keep. */
    markBounced: (id: string, now?: Date) =>
      transition(id, 'bounced', ['pending', 'active', 'bounced'], now),
    /** The one way back from unsubscribed, bounced or complained; `pending` asks for a fresh confirmation. */
    resubscribe: (id: string, status: 'pending' | 'active' = 'pending', now?: Date) =>
      transition(id, status, 'any', now),
    /** null: use DIGEST_TZ. */
    setTimeZone: async (id: string, tz: string | null, now?: Date) =>
      patch(id, 'tz', normalizeTimeZone(tz), now),
    setName: async (id: string, name: string | null, now?: Date) =>
      patch(id, 'name', cleanName(name), now),
  };
}

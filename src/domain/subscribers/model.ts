import {
  cleanName,
  isSubscriberStatus,
  normalizeEmail,
  normalizeTimeZone,
  parseStatus,
  type SubscriberStatus,
} from './validate.js';

export interface Subscriber {
  /** 16 lowercase hex characters, random: never derived from the address. */
  id: string;
  email: string;
  name: string | null;
  /** IANA zone; null means "use DIGEST_TZ". */
  tz: string | null;
  status: SubscriberStatus;
  /** ISO 8601 times. */
  createdAt: string;
  changedAt: string;
}

export interface SubscriberInput {
  email: string;
  name?: string | null;
  tz?: string | null;
  /** The status of a new address; an existing address keeps its own. */
  status?: SubscriberStatus;
}

/** Checked and normalised input, ready for the store; build it with `prepareSubscriber`. */
export interface PreparedSubscriber {
  email: string;
  name: string | null;
  tz: string | null;
  status: SubscriberStatus;
}

/** What an add did: `skipped` is an unsubscribed, bounced or complained address left exactly as it was. */
export type AddOutcome = 'created' | 'updated' | 'unchanged' | 'skipped';

/** Throws InvalidSubscriberError on the first bad field. */
export function prepareSubscriber(
  input: SubscriberInput,
  defaultStatus: SubscriberStatus = 'pending',
): PreparedSubscriber {
  return {
    email: normalizeEmail(input.email),
    name: cleanName(input.name),
    tz: normalizeTimeZone(input.tz),
    status: input.status === undefined ? defaultStatus : parseStatus(input.status),
  };
}

export function decodeSubscriber(h: Record<string, string>): Subscriber | undefined {
  if (!h.id || !h.email) return undefined;
  return {
    id: h.id,
    email: h.email,
    name: h.name || null,
    tz: h.tz || null,
    // A record with a status this code does not know is never mailed.
    status: isSubscriberStatus(h.status) ? h.status : 'pending',
    createdAt: h.createdAt ?? '',
    changedAt: h.changedAt ?? h.createdAt ?? '',
  };
}

/** HGETALL as a Lua script returns it: a flat [field, value, …] array. */
export function decodeFlat(reply: unknown): Subscriber | undefined {
  if (!Array.isArray(reply)) return undefined;
  const h: Record<string, string> = {};
  for (let i = 0; i + 1 < reply.length; i += 2) h[String(reply[i])] = String(reply[i + 1]);
  return decodeSubscriber(h);
}

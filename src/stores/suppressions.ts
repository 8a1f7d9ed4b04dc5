import { z } from 'zod';
import { lookupEmail } from '../domain/subscribers/validate.js';
import type { Redis } from '../runtime/redis.js';
import { createKeys } from './keys.js';
import { loadScript } from './scripts.js';

/** Soft bounces an address may collect, decayed, before it is suppressed. */
const SOFT_BOUNCE_LIMIT = 3;
const SOFT_BOUNCE_HALF_LIFE_S = 7 * 24 * 3600;

/** Why an address gets no more mail. */
export const SUPPRESSION_REASONS = ['hard-bounce', 'soft-bounce', 'complaint', 'manual'] as const;
export type SuppressionReason = (typeof SUPPRESSION_REASONS)[number];

export interface Suppression {
  /** The address as stored (international domains in ASCII, lower case). */
  email: string;
  reason: SuppressionReason;
  /** Where it came from: `smtp` (a 5xx in the session), `dsn`, `arf`, `cli`, `admin`, a webhook. */
  source: string;
  /** ISO time it was suppressed. */
  at: string;
  detail?: string;
}

/** An operator's own entries (`gazette suppressions add`, the admin API) are no bounce or complaint. */
const OPERATOR_SOURCES = new Set(['cli', 'admin']);

/** Bounces and complaints counted since the start, by kind and where they were learnt. */
export interface FeedbackEvents {
  bounces: { kind: 'hard' | 'soft'; source: string; count: number }[];
  complaints: { source: string; count: number }[];
}

const Wire = z.object({
  r: z.enum(SUPPRESSION_REASONS),
  s: z.string(),
  t: z.string(),
  d: z.string().optional(),
});

/**
 * One suppression list across editions: a hash of address → JSON, one key, so a batch's check is
 * one HMGET and every write is a single command (no script needed). It is keyed by address, not
 * subscriber id: an address erased and signed up again is still suppressed until an operator
 * removes it.
 */
export function createSuppressionStore({ redis, prefix }: { redis: Redis; prefix: string }) {
  const keys = createKeys(prefix, { cluster: redis.isCluster });
  const key = keys.suppressions;
  const softBounceScript = loadScript(redis, 'soft-bounce');
  const decode = (email: string, raw: string | null | undefined): Suppression | undefined => {
    if (!raw) return undefined;
    const w = Wire.safeParse(JSON.parse(raw));
    if (!w.success) return undefined;
    return {
      email,
      reason: w.data.r,
      source: w.data.s,
      at: w.data.t,
      ...(w.data.d ? { detail: w.data.d } : {}),
    };
  };
  /** Suppresses the address; a later reason replaces an earlier one. */
  const add = async (
    email: string,
    reason: SuppressionReason,
    source: string,
    opts: { detail?: string; now?: Date } = {},
  ): Promise<Suppression> => {
    const address = lookupEmail(email);
    const wire = {
      r: reason,
      s: source,
      t: (opts.now ?? new Date()).toISOString(),
      ...(opts.detail ? { d: opts.detail.slice(0, 500) } : {}),
    };
    const event =
      OPERATOR_SOURCES.has(source) || (reason !== 'hard-bounce' && reason !== 'complaint')
        ? undefined
        : `${reason === 'complaint' ? 'complaint' : 'hard'}:${source}`;
    const tx = redis.multi().hset(key, address, JSON.stringify(wire));
    if (event) tx.hincrby(keys.feedbackEvents, event, 1);
    await tx.exec();
    return decode(address, JSON.stringify(wire))!;
  };
  return {
    add,
    /**
     * One soft bounce (a failed 4.x.x DSN): counted in a score that halves every week; past
     * SOFT_BOUNCE_LIMIT the address is suppressed (`soft-bounce`). A mailbox full for a day is
     * not suppressed; one that has been failing for weeks is. Returns the score and whether it
     * suppressed the address.
     */
    async softBounce(
      email: string,
      source: string,
      opts: { detail?: string; now?: Date } = {},
    ): Promise<{ score: number; suppressed: boolean }> {
      const now = opts.now ?? new Date();
      await redis.hincrby(keys.feedbackEvents, `soft:${source}`, 1);
      const score = Number(
        await softBounceScript.run(
          [keys.softBounces],
          [lookupEmail(email), Math.floor(now.getTime() / 1000), SOFT_BOUNCE_HALF_LIFE_S],
        ),
      );
      if (score < SOFT_BOUNCE_LIMIT) return { score, suppressed: false };
      await add(email, 'soft-bounce', source, { ...opts, now });
      return { score, suppressed: true };
    },
    /** True when the address was on the list. */
    async remove(email: string): Promise<boolean> {
      return (await redis.hdel(key, lookupEmail(email))) > 0;
    },
    async get(email: string): Promise<Suppression | undefined> {
      const address = lookupEmail(email);
      return decode(address, await redis.hget(key, address));
    },
    /** One round trip; lines up with `emails`. */
    async getMany(emails: readonly string[]): Promise<(Suppression | undefined)[]> {
      if (emails.length === 0) return [];
      const addresses = emails.map(lookupEmail);
      const rows = await redis.hmget(key, ...addresses);
      return rows.map((raw, i) => decode(addresses[i]!, raw));
    },
    /**
     * Every bounce and complaint recorded here (a repeat for the same address counts again): the
     * SMTP session's 5xx, DSNs, ARF reports and webhooks all suppress through this store, so it
     * counts them wherever they arrive, in whichever process, and /metrics reads them from Redis.
     * A soft bounce that passes the limit counts once, as soft.
     */
    async events(): Promise<FeedbackEvents> {
      const out: FeedbackEvents = { bounces: [], complaints: [] };
      for (const [field, n] of Object.entries(await redis.hgetall(keys.feedbackEvents))) {
        const at = field.indexOf(':');
        const kind = field.slice(0, at);
        const source = field.slice(at + 1);
        const count = Number(n);
        if (kind === 'complaint') out.complaints.push({ source, count });
        else if (kind === 'hard' || kind === 'soft') out.bounces.push({ kind, source, count });
      }
      return out;
    },
    /** Every entry, newest first. */
    async list(): Promise<Suppression[]> {
      const all = await redis.hgetall(key);
      return Object.entries(all)
        .map(([email, raw]) => decode(email, raw))
        .filter((s): s is Suppression => s !== undefined)
        .sort((a, b) => b.at.localeCompare(a.at) || a.email.localeCompare(b.email));
    },
  };
}

export type SuppressionStore = ReturnType<typeof createSuppressionStore>;

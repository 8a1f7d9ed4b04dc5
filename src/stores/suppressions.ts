import { z } from 'zod';
import { lookupEmail } from '../domain/subscribers/validate.js';
import type { Redis } from '../runtime/redis.js';
import { createKeys } from './keys.js';

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
  const key = createKeys(prefix).suppressions;
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
  return {
    /** Suppresses the address; a later reason replaces an earlier one. */
    async add(
      email: string,
      reason: SuppressionReason,
      source: string,
      opts: { detail?: string; now?: Date } = {},
    ): Promise<Suppression> {
      const address = lookupEmail(email);
      const wire = {
        r: reason,
        s: source,
        t: (opts.now ?? new Date()).toISOString(),
        ...(opts.detail ? { d: opts.detail.slice(0, 500) } : {}),
      };
      await redis.hset(key, address, JSON.stringify(wire));
      return decode(address, JSON.stringify(wire))!;
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

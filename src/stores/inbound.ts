import type { Redis } from '../runtime/redis.js';
import { createKeys } from './keys.js';

/** An inbound message Gazette could not act on, kept for an operator (`gazette inbound --list`). */
export interface KeptReport {
  at: string;
  /** Why it was kept: malformed, or matched to no subscriber. */
  reason: string;
  from: string;
  to: string[];
  /** The message's first bytes, for a person to read. */
  excerpt: string;
}

const KEEP = 1000;

/** One capped list (newest first, the last KEEP): a single key, so LPUSH and LTRIM in one MULTI. */
export function createInboundStore({ redis, prefix }: { redis: Redis; prefix: string }) {
  const keys = createKeys(prefix, { cluster: redis.isCluster });
  const key = keys.inboundKept;
  return {
    async keep(report: KeptReport): Promise<void> {
      await redis
        .multi()
        .lpush(key, JSON.stringify(report))
        .ltrim(key, 0, KEEP - 1)
        .exec();
    },
    /** One more complaint about an edition; the count so far. */
    countComplaint: (editionId: string): Promise<number> =>
      redis.incr(keys.editionComplaints(editionId)),
    async complaints(editionId: string): Promise<number> {
      return Number((await redis.get(keys.editionComplaints(editionId))) ?? 0);
    },
    async list(): Promise<KeptReport[]> {
      return (await redis.lrange(key, 0, -1)).map((s) => JSON.parse(s) as KeptReport);
    },
  };
}

export type InboundStore = ReturnType<typeof createInboundStore>;

import type { Redis } from '../runtime/redis.js';
import { createKeys } from './keys.js';
import { loadScript } from './scripts.js';

/** Where a receiving domain stands, as every worker process sees it. */
export interface DomainPace {
  /** Paused until this time (ms since epoch); in the past or 0: not paused. */
  until: number;
  /** Pauses in a row without a success in between: each doubles the next. */
  strikes: number;
}

/**
 * The per-domain pacing state in Redis, one small hash a domain, changed only by
 * scripts/pace-domain.lua so that several processes share one pause and one rate.
 */
export function createPacingStore({ redis, prefix }: { redis: Redis; prefix: string }) {
  const keys = createKeys(prefix);
  const script = loadScript(redis, 'pace-domain');
  const nums = (r: unknown) => (r as (number | string)[]).map(Number);
  const pace = ([until = 0, strikes = 0]: number[]): DomainPace => ({ until, strikes });
  return {
    /** Each domain's pause, in one round trip (a batch's domains before it starts). */
    async peek(domains: readonly string[], now: number): Promise<DomainPace[]> {
      if (domains.length === 0) return [];
      const r = nums(await script.run(domains.map(keys.pace), ['peek', now]));
      return domains.map((_, i) => pace(r.slice(i * 2, i * 2 + 2)));
    },
    /**
     * Books the domain's next slot at `intervalMs` a message: `slot` is when the message may go
     * (at `now`: at once), or undefined when the domain is paused and nothing was booked.
     */
    async take(
      domain: string,
      now: number,
      intervalMs: number,
      toleranceMs: number,
    ): Promise<DomainPace & { slot: number | undefined }> {
      const r = nums(await script.run([keys.pace(domain)], ['take', now, intervalMs, toleranceMs]));
      return { ...pace(r), slot: r[2]! < 0 ? undefined : r[2] };
    },
    /** A 421/451: the domain pauses (longer with each strike); its new state. */
    async throttle(
      domain: string,
      now: number,
      firstMs: number,
      longestMs: number,
    ): Promise<DomainPace> {
      return pace(
        nums(await script.run([keys.pace(domain)], ['throttle', now, firstMs, longestMs])),
      );
    },
    /** A 250 after strikes: the next pause starts short again. */
    async succeeded(domain: string, now: number): Promise<DomainPace> {
      return pace(nums(await script.run([keys.pace(domain)], ['ok', now])));
    },
  };
}

export type PacingStore = ReturnType<typeof createPacingStore>;

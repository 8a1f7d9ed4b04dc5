import type { Redis } from '../runtime/redis.js';

export interface FailureThrottleOptions {
  /** Refused attempts from one address allowed per window. */
  max?: number;
  windowSeconds?: number;
}

/**
 * Counts refused attempts per client address in Redis (shared by every web replica). Past `max`
 * in the window the address waits out the rest of it, whatever it sends.
 */
export function createFailureThrottle(
  redis: Redis,
  keyPrefix: string,
  { max = 20, windowSeconds = 600 }: FailureThrottleOptions = {},
) {
  const key = (ip: string) => `${keyPrefix}${ip}`;
  return {
    /** Seconds left to wait, or 0. */
    async blockedFor(ip: string): Promise<number> {
      const count = Number((await redis.get(key(ip))) ?? 0);
      if (count < max) return 0;
      return Math.max(1, await redis.ttl(key(ip)));
    },
    async record(ip: string): Promise<void> {
      // The window starts at the first miss; later misses do not extend it.
      if ((await redis.incr(key(ip))) === 1) await redis.expire(key(ip), windowSeconds);
    },
  };
}

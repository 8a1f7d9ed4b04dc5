import { createHash } from 'node:crypto';
import type { Redis } from '../runtime/redis.js';
import { createKeys } from './keys.js';

/**
 * Providers retry a webhook until they get a 2xx, and may deliver one event twice anyway (SNS,
 * SendGrid and Mailgun all say so): each event id is claimed once with SET NX EX, and a claim
 * whose work failed is released so that the provider's retry can do it.
 */
const DEFAULT_TTL_S = 3 * 24 * 3600;

export function createWebhookEventStore({
  redis,
  prefix,
  ttlSeconds = DEFAULT_TTL_S,
}: {
  redis: Redis;
  prefix: string;
  /** How long an id is remembered; past the longest retry window of the providers (a day or so). */
  ttlSeconds?: number;
}) {
  const keys = createKeys(prefix);
  // Ids are the provider's text: hashed, so that no length or character of theirs reaches a key.
  const key = (provider: string, id: string) =>
    keys.webhookEvent(provider, createHash('sha256').update(id).digest('base64url'));
  return {
    /** True when this call is the first to see the event. */
    async claim(provider: string, id: string): Promise<boolean> {
      return (await redis.set(key(provider, id), '1', 'EX', ttlSeconds, 'NX')) === 'OK';
    },
    async release(provider: string, id: string): Promise<void> {
      await redis.del(key(provider, id));
    },
  };
}

export type WebhookEventStore = ReturnType<typeof createWebhookEventStore>;

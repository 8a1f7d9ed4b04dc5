import type { Config } from '../runtime/config.js';
import { createLogger, type Logger } from '../runtime/log.js';
import { createQueues, type Queues } from '../jobs/queues.js';
import { loadDkimKeys } from '../runtime/dkim-keys.js';
import { createRedis, waitForRedis, type Redis } from '../runtime/redis.js';
import { createArticleStore, type ArticleStore } from '../stores/articles.js';
import { createDeliveryStore, type DeliveryStore } from '../stores/deliveries.js';
import { createEditionStore, type EditionStore } from '../stores/editions.js';
import { createInboundStore, type InboundStore } from '../stores/inbound.js';
import { createSuppressionStore, type SuppressionStore } from '../stores/suppressions.js';
import { createSubscriberStore, type SubscriberStore } from '../stores/subscribers/index.js';
import { createWebhookEventStore, type WebhookEventStore } from '../stores/webhook-events.js';

/** What a command that talks to Redis needs; built once per process, closed once. */
export interface Context {
  config: Config;
  log: Logger;
  redis: Redis;
  queues: Queues;
  articles: ArticleStore;
  editions: EditionStore;
  deliveries: DeliveryStore;
  subscribers: SubscriberStore;
  suppressions: SuppressionStore;
  /** What `gazette inbound` kept, and complaints per edition. */
  inbound: InboundStore;
  /** Provider webhook events already taken, by id. */
  webhookEvents: WebhookEventStore;
  close(): Promise<void>;
}

export async function createContext(
  config: Config,
  log: Logger = createLogger({ level: config.logLevel }),
): Promise<Context> {
  // A bad DKIM key file fails here, before a connection is open that would keep the process up;
  // the sending commands read the keys again in createJobDeps (jobs/deps.ts).
  loadDkimKeys(config.dkim);
  const redis = createRedis(config.redis.target);
  try {
    await waitForRedis(redis, config.redis.target);
  } catch (err) {
    redis.disconnect();
    throw err;
  }
  // Once up, a dropped connection is retried by ioredis; say so instead of crashing.
  redis.on('error', (err) => log.warn({ err: err.message }, 'redis connection error'));
  const { prefix } = config;
  // The connection's own error listener above already reports the same failure once.
  const queues = createQueues(redis, prefix, (err, queue) =>
    log.debug({ err: err.message, queue }, 'queue error'),
  );
  return {
    config,
    log,
    redis,
    queues,
    articles: createArticleStore({ redis, prefix }),
    editions: createEditionStore({ redis, prefix }),
    deliveries: createDeliveryStore({
      redis,
      prefix,
      recordTtlMs: config.recordTtlDays * 86_400_000,
    }),
    subscribers: createSubscriberStore({ redis, prefix }),
    suppressions: createSuppressionStore({ redis, prefix }),
    inbound: createInboundStore({ redis, prefix }),
    webhookEvents: createWebhookEventStore({ redis, prefix }),
    async close() {
      await queues.close();
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

/** Runs `fn` with a context of its own and closes it after, whatever `fn` did. */
export async function withContext<T>(config: Config, fn: (ctx: Context) => Promise<T>): Promise<T> {
  const ctx = await createContext(config);
  try {
    return await fn(ctx);
  } finally {
    await ctx.close();
  }
}

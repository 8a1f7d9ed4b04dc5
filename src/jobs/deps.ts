import type { Config } from '../runtime/config.js';
import { createMessageSource } from './deliver/messages.js';
import type { JobDeps } from './registry.js';
import { createSlots } from './deliver/semaphore.js';
import { Pacer } from './deliver/pacer.js';
import type { Redis } from '../runtime/redis.js';
import { createPacingStore } from '../stores/pacing.js';
import { loadDkimKeys } from '../runtime/dkim-keys.js';
import { securityWarnings } from '../runtime/warnings.js';
import {
  createOutboxTransport,
  createSmtpTransport,
  type MailTransport,
} from '../runtime/smtp/transport.js';

/** SMTP_URL set: an SMTP pool (SMTP_ENGINE); unset: `.eml` files in OUTBOX_DIR. */
export function createTransport(config: Config): MailTransport {
  return config.smtp.url
    ? createSmtpTransport({
        url: config.smtp.url,
        poolSize: config.smtp.poolSize,
        rateLimit: config.smtp.rateLimit,
        timeoutMs: config.smtp.timeoutMs,
        engine: config.smtp.engine,
      })
    : createOutboxTransport(config.outboxDir);
}

/**
 * The processors' dependencies, from a command's context (anything that holds the stores). Every command that sends mail (run,
 * worker, serve) comes here, so this is where it hears that its links are signed insecurely.
 */
export function createJobDeps(
  ctx: Pick<
    JobDeps,
    | 'config'
    | 'log'
    | 'queues'
    | 'articles'
    | 'editions'
    | 'deliveries'
    | 'subscribers'
    | 'suppressions'
  > & { redis: Redis },
  overrides: { transport?: MailTransport; now?: () => Date } = {},
): JobDeps {
  for (const warning of securityWarnings(ctx.config, 'sender')) ctx.log.warn(warning);
  return {
    config: ctx.config,
    log: ctx.log,
    queues: ctx.queues,
    articles: ctx.articles,
    editions: ctx.editions,
    deliveries: ctx.deliveries,
    subscribers: ctx.subscribers,
    suppressions: ctx.suppressions,
    transport: overrides.transport ?? createTransport(ctx.config),
    messages: createMessageSource({
      editions: ctx.editions,
      config: ctx.config,
      dkim: loadDkimKeys(ctx.config.dkim),
    }),
    now: overrides.now ?? (() => new Date()),
    sendSlots: createSlots(ctx.config.smtp.poolSize),
    pacer: new Pacer(createPacingStore({ redis: ctx.redis, prefix: ctx.config.prefix }), {
      throttleMs: ctx.config.smtp.throttleMs,
      throttleMaxMs: ctx.config.smtp.throttleMaxMs,
      domainRates: ctx.config.smtp.domainRates,
    }),
  };
}

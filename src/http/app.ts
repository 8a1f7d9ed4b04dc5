import formbody from '@fastify/formbody';
import rateLimit from '@fastify/rate-limit';
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
} from 'fastify';
import type { Config } from '../runtime/config.js';
import type { Context } from '../operations/context.js';
import type { Logger } from '../runtime/log.js';
import type { MailTransport } from '../runtime/smtp/transport.js';
import { createMetrics, type Metrics } from '../jobs/metrics.js';
import { createKeys } from '../stores/keys.js';
import { adminRoutes } from './routes/admin.js';
import { archiveRoutes } from './routes/archive.js';
import { clientErrorAnswer, installErrorHandlers, securityHeaders } from './error-pages.js';
import type { FailureThrottleOptions } from './failure-throttle.js';
import { createFeedCache } from './feed-cache.js';
import { feedRoutes } from './routes/feed.js';
import { createHealthCheck, healthRoutes } from './routes/health.js';
import { metricsRoutes } from './routes/metrics.js';
import { preferenceRoutes } from './routes/preferences.js';
import { createSignup } from '../operations/signup.js';
import { subscriptionRoutes } from './routes/subscription.js';
import { webhookRoutes } from './routes/webhooks/index.js';
import type { SnsOptions } from './routes/webhooks/shared.js';

export interface AppOptions {
  ctx: Context;
  config: Config;
  log: Logger;
  /** Sends the confirmation mails (the workers' transport when they run in this process). */
  transport: MailTransport;
  metrics?: Metrics;
  /** POST /subscribe per client address; default 10 a minute. */
  subscribeRateLimit?: { max: number; timeWindow: number };
  /** At most one confirmation mail per address in this window; default 5 minutes. */
  confirmCooldownMs?: number;
  /** How long a feed is served before its version is checked again; default 1000 ms. */
  feedFreshMs?: number;
  /** /healthz answers within about this; default 500 ms. */
  healthTimeoutMs?: number;
  /** Refused admin attempts per client address before it must wait; default 20 in 10 minutes. */
  adminFailures?: FailureThrottleOptions;
  /** How /webhooks/ses reaches SNS (certificates, confirmations); default: SNS's own hosts. */
  sns?: SnsOptions;
}

/**
 * The HTTP service, ready for `listen` or `inject`. It owns what it creates (health connection,
 * confirmation mails in flight) and releases them in `close()`; the context, transport and
 * workers belong to the caller.
 */
export async function buildApp(opts: AppOptions): Promise<FastifyInstance> {
  const { ctx, config } = opts;
  const app = Fastify({
    // pino's Logger is a FastifyBaseLogger; saying so keeps the instance's type the plain one.
    loggerInstance: opts.log.child({ component: 'http' }) as FastifyBaseLogger,
    // Our onResponse hook logs the route pattern instead: a URL can carry a subscriber's token.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 64 * 1024,
    trustProxy: trustProxyOption(config.trustProxy),
    // A request stuck on a hung dependency must end; /healthz answers long before this.
    requestTimeout: 30_000,
    // While closing, requests on kept-alive connections get a 503 and the connection ends.
    return503OnClosing: true,
    // Node's own refusals (a bad request line, 431 headers too large) never reach the hooks.
    clientErrorHandler: clientErrorAnswer(config.siteUrl.startsWith('https:')),
    // Nor do the router's (a URL that does not decode): answered here with the same headers.
    frameworkErrors: (err, _req, anyReply) => {
      const reply = anyReply as FastifyReply;
      for (const [name, value] of securityHeaders(config.siteUrl.startsWith('https:')))
        reply.header(name, value);
      return reply
        .code(400)
        .header('cache-control', 'no-store')
        .send({ error: 'bad_request', message: err.message });
    },
  });
  const metrics = opts.metrics ?? createMetrics(ctx);
  const health = createHealthCheck(config.redis.target, opts.healthTimeoutMs);
  const signup = createSignup({
    config,
    redis: ctx.redis,
    subscribers: ctx.subscribers,
    transport: opts.transport,
    log: opts.log.child({ component: 'signup' }),
    cooldownMs: opts.confirmCooldownMs ?? 5 * 60_000,
  });
  const feed = createFeedCache({
    articles: ctx.articles,
    config,
    log: opts.log,
    onBuild: () => metrics.feedBuilds.inc(),
    ...(opts.feedFreshMs !== undefined ? { freshMs: opts.feedFreshMs } : {}),
  });

  // Both hooks run on every answer, so they are plain callbacks (an async hook costs a promise and
  // a microtask turn each) and do no work that could be done once: the header pairs are built
  // here, and each route/method/status keeps its own histogram child (no label hashing per
  // request). Under wrk this was a measurable share of the feed's 304 (docs/performance.md).
  const security = securityHeaders(config.siteUrl.startsWith('https:'));
  app.addHook('onSend', (_req, reply, payload, done) => {
    for (const [name, value] of security) reply.header(name, value);
    done(null, payload);
  });
  const durations = new Map<string, ReturnType<Metrics['httpDuration']['labels']>>();
  app.addHook('onResponse', (req, reply, done) => {
    // The route pattern, never the URL: a URL can carry a subscriber's token.
    const route = req.routeOptions.url ?? 'unmatched';
    const status = reply.statusCode;
    const key = `${req.method} ${status} ${route}`;
    let child = durations.get(key);
    if (!child) {
      child = metrics.httpDuration.labels({ method: req.method, route, status: String(status) });
      durations.set(key, child);
    }
    child.observe(reply.elapsedTime / 1000);
    req.log.debug({ method: req.method, route, status }, 'request');
    done();
  });
  app.addHook('onClose', async () => {
    await signup.drain();
    health.close();
  });
  installErrorHandlers(app, config.siteName);

  await app.register(formbody);
  await app.register(rateLimit, {
    global: false,
    // Shared by every web replica; under our prefix so that a test's cleanup removes it.
    redis: ctx.redis,
    nameSpace: createKeys(config.prefix, { cluster: ctx.redis.isCluster }).rateLimit,
    skipOnError: true,
  });

  // Browsers ask for it on every site; an empty answer they may keep beats a logged 404.
  app.get('/favicon.ico', async (_req, reply) =>
    reply.code(204).header('cache-control', 'public, max-age=86400').send(),
  );
  await app.register(healthRoutes, { health });
  await app.register(metricsRoutes, {
    metrics,
    ...(config.metricsToken ? { token: config.metricsToken } : {}),
  });
  await app.register(feedRoutes, { config, articles: ctx.articles, feed });
  await app.register(archiveRoutes, { config, editions: ctx.editions });
  await app.register(subscriptionRoutes, {
    config,
    signup,
    rateLimit: opts.subscribeRateLimit ?? { max: 10, timeWindow: 60_000 },
  });
  await app.register(preferenceRoutes, { config, subscribers: ctx.subscribers });
  // Each provider's route exists only when it is configured; the others answer 404.
  await app.register(webhookRoutes, {
    prefix: '/webhooks',
    ctx,
    ...(opts.sns ? { sns: opts.sns } : {}),
  });
  // With no token the admin routes do not exist (404), rather than exist and always refuse.
  if (config.adminToken) {
    await app.register(adminRoutes, {
      prefix: '/admin',
      ctx,
      token: config.adminToken,
      ...(opts.adminFailures ? { failures: opts.adminFailures } : {}),
    });
  }
  return app;
}

/**
 * Fastify's forms of TRUST_PROXY: a list of proxy addresses, or a hop count, which fastify
 * takes as "trust the first n hops" (its own compile of a number, typed here as the function).
 */
function trustProxyOption(
  trust: Config['trustProxy'],
): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (trust === false) return false;
  if (typeof trust === 'number') return (_address, hop) => hop < trust;
  return [...trust];
}

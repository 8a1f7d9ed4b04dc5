import type { FastifyInstance } from 'fastify';
import { buildApp, type AppOptions } from '../../src/http/app.js';
import { waitForEdition, type EditionProgress } from '../../src/operations/progress.js';
import { expandPaths, ingestFiles } from '../../src/operations/ingest.js';
import type { MailTransport } from '../../src/runtime/smtp/transport.js';
import { sampleWire, testPipeline, type TestPipeline } from './pipeline.js';

export const ADMIN_TOKEN = 'admin-token-for-tests-0123456789';

export interface TestApp {
  t: TestPipeline;
  app: FastifyInstance;
  /** Set once `listen()` ran: `http://127.0.0.1:<port>`. */
  origin?: string;
  listen(): Promise<string>;
  ingest(files: Record<string, string>, now: Date): Promise<void>;
  /** Starts the workers, delivers an edition of one new story and waits until its work has ended. */
  deliverEdition(): Promise<{ editionId: string; progress: EditionProgress }>;
  close(): Promise<void>;
}

export { freePort } from './redis-server.js';

/**
 * The app on a fresh pipeline (unique Redis prefix). `port`: serve on that port with SITE_URL
 * pointing at it, so that links in mail work in a real client.
 */
export async function testApp(
  env: Record<string, string> = {},
  opts: Partial<Omit<AppOptions, 'ctx' | 'config' | 'log'>> & { port?: number } = {},
): Promise<TestApp> {
  const siteEnv: Record<string, string> = opts.port
    ? { SITE_URL: `http://127.0.0.1:${opts.port}` }
    : {};
  const t = await testPipeline({ ...siteEnv, ...env });
  const transport: MailTransport = opts.transport ?? t.deps.transport;
  const app = await buildApp({
    ctx: t.ctx,
    config: t.config,
    log: t.ctx.log,
    transport,
    subscribeRateLimit: opts.subscribeRateLimit ?? { max: 1000, timeWindow: 60_000 },
    ...(opts.metrics ? { metrics: opts.metrics } : {}),
    ...(opts.confirmCooldownMs !== undefined ? { confirmCooldownMs: opts.confirmCooldownMs } : {}),
    ...(opts.healthTimeoutMs ? { healthTimeoutMs: opts.healthTimeoutMs } : {}),
    ...(opts.adminFailures ? { adminFailures: opts.adminFailures } : {}),
    ...(opts.sns ? { sns: opts.sns } : {}),
    // Tests see a change at once unless they test the freshness window itself.
    feedFreshMs: opts.feedFreshMs ?? 0,
  });
  const ta: TestApp = {
    t,
    app,
    async listen() {
      const address = await app.listen({ host: '127.0.0.1', port: opts.port ?? 0 });
      ta.origin = address;
      return address;
    },
    async ingest(files, now) {
      const paths = [];
      for (const [name, text] of Object.entries(files))
        paths.push(await t.writeArticle(name, text));
      await ingestFiles(await expandPaths(paths), {
        store: t.ctx.articles,
        editions: t.ctx.editions,
        siteUrl: t.config.siteUrl,
        now: () => now,
      });
    },
    async deliverEdition() {
      t.startWorkers();
      await ta.ingest(
        { 'harbour.txt': sampleWire('The harbour reopened on Monday, after a week of storms.') },
        new Date(),
      );
      const editionId = await t.send();
      const progress = await waitForEdition(t.ctx, editionId, {
        timeoutMs: 15_000,
        intervalMs: 50,
      });
      return { editionId, progress };
    },
    async close() {
      await app.close();
      await t.cleanup();
    },
  };
  return ta;
}

export { sampleWire };

/** The first http(s) link in a text that goes to `path` (a mail's confirm or unsubscribe link). */
export function linkTo(text: string, path: string): string {
  const m = new RegExp(`https?://[^\\s"'<>]+${path.replace(/[?]/g, '\\?')}[^\\s"'<>]*`).exec(text);
  if (!m) throw new Error(`no link to ${path} in:\n${text.slice(0, 2000)}`);
  return m[0].replaceAll('&amp;', '&');
}

/** Polls until `check` returns a value (not undefined), or fails after `ms`. */
export async function eventually<T>(
  check: () => T | undefined | Promise<T | undefined>,
  ms = 5000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * A signup form post that reached the app through a proxy on 127.0.0.1: `forwardedFor` is the
 * X-Forwarded-For header as it arrives (what the client wrote first, each proxy's addition after).
 */
export function signupThroughProxy(app: FastifyInstance, email: string, forwardedFor: string) {
  return app.inject({
    method: 'POST',
    url: '/subscribe',
    remoteAddress: '127.0.0.1',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-forwarded-for': forwardedFor,
    },
    payload: `email=${encodeURIComponent(email)}`,
  });
}

import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import { mailgunRoute } from './mailgun.js';
import { postmarkRoute } from './postmark.js';
import { sendGridRoute } from './sendgrid.js';
import { sesRoute } from './ses.js';
import { WebhookRefusal, type SnsOptions, type WebhookContext } from './shared.js';

/** Past the app's 64 KiB: an SNS message may be 256 KiB, a SendGrid post a batch of many events. */
const BODY_LIMIT = 4 * 1024 * 1024;

/**
 * POST /webhooks/<provider> for the providers that are configured (config.webhooks); the others
 * answer 404. In this scope every body is kept as its exact bytes, because the signatures are
 * over those bytes, and parsed as JSON for the route's schema (SNS posts JSON as text/plain).
 */
export async function webhookRoutes(
  app: FastifyInstance,
  opts: { ctx: WebhookContext; sns?: SnsOptions },
): Promise<void> {
  const { ctx } = opts;
  const rawBodies = new WeakMap<FastifyRequest, Buffer>();
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: BODY_LIMIT }, (req, body, done) => {
    const raw = body as Buffer;
    rawBodies.set(req, raw);
    try {
      done(null, JSON.parse(raw.toString('utf8')));
    } catch {
      done(new WebhookRefusal(400, 'malformed', 'the body is not JSON'), undefined);
    }
  });
  const raw = (req: FastifyRequest) => rawBodies.get(req) ?? Buffer.alloc(0);

  app.addHook('onRequest', async (_req, reply) => {
    reply.header('cache-control', 'no-store');
  });
  app.setErrorHandler((err: FastifyError, req, reply) => {
    const provider = req.routeOptions.url ?? req.url;
    if (err instanceof WebhookRefusal) {
      req.log.warn(
        { route: provider, status: err.statusCode, why: err.message },
        'webhook refused',
      );
      return reply.code(err.statusCode).send({ error: err.code, message: err.message });
    }
    if (err.validation) {
      req.log.warn({ route: provider, why: err.message }, 'webhook malformed');
      return reply.code(400).send({ error: 'malformed', message: err.message });
    }
    const status = typeof err.statusCode === 'number' ? err.statusCode : 500;
    if (status < 500)
      return reply.code(status).send({ error: 'bad_request', message: err.message });
    req.log.error({ err, route: provider }, 'webhook failed');
    // A 5xx makes the provider retry; the event's id was released (operations/webhooks.ts).
    return reply.code(500).send({ error: 'internal', message: 'not taken; retry later' });
  });
  app.setNotFoundHandler((req, reply) =>
    reply.code(404).send({
      error: 'not_found',
      message: `no webhook at ${req.url.split('?')[0]}: is its provider configured?`,
    }),
  );

  const route = { ctx, raw };
  const w = ctx.config.webhooks;
  if (w.ses) await app.register(sesRoute, { ...route, topicArns: w.ses.topicArns, ...opts.sns });
  if (w.postmark) await app.register(postmarkRoute, { ...route, ...w.postmark });
  if (w.sendgrid) await app.register(sendGridRoute, { ...route, ...w.sendgrid });
  if (w.mailgun) await app.register(mailgunRoute, { ...route, ...w.mailgun });
}

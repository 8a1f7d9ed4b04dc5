import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import type { IServerAdapter } from '@bull-board/api/typings/app';
import { FastifyAdapter } from '@bull-board/fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Context } from '../../operations/context.js';
import { readAudit, resend } from '../../operations/resend.js';
import { statusReport } from '../../operations/status.js';
import { EDITION_ID } from '../../domain/edition/edition.js';
import { QUEUE_NAMES } from '../../jobs/queues.js';
import { DELIVERY_STATES } from '../../stores/deliveries.js';
import { SUPPRESSION_REASONS, type SuppressionReason } from '../../stores/suppressions.js';
import { normalizeEmail } from '../../domain/subscribers/validate.js';
import { InvalidSubscriberError, NotFoundError } from '../../runtime/errors.js';
import { CHALLENGES, createTokenCheck } from '../auth.js';
import { createFailureThrottle, type FailureThrottleOptions } from '../failure-throttle.js';
import { createKeys } from '../../stores/keys.js';
import { crossSiteReason } from '../same-origin.js';

export type AdminContext = Pick<
  Context,
  | 'config'
  | 'queues'
  | 'editions'
  | 'deliveries'
  | 'subscribers'
  | 'redis'
  | 'inbound'
  | 'suppressions'
>;

const RESEND_MODES = ['to-one', 'failed', 'uncertain', 'failed+uncertain', 'everyone'] as const;

const ResendBody = z
  .object({
    edition: z.string().regex(EDITION_ID),
    /** Required for `everyone`: a body that forgot its filter must not mail the whole list. */
    mode: z.enum(RESEND_MODES).optional(),
    to: z.string().max(320).optional(),
    failed: z.boolean().optional(),
    uncertain: z.boolean().optional(),
    reason: z.string().max(500).optional(),
  })
  .strict()
  .transform((b, ctx) => {
    const implied = b.to
      ? 'to-one'
      : b.failed && b.uncertain
        ? 'failed+uncertain'
        : b.failed
          ? 'failed'
          : b.uncertain
            ? 'uncertain'
            : undefined;
    if (b.to && (b.failed || b.uncertain)) {
      ctx.addIssue({ code: 'custom', message: 'to cannot be combined with failed or uncertain' });
      return z.NEVER;
    }
    const mode = b.mode ?? implied;
    if (!mode) {
      ctx.addIssue({
        code: 'custom',
        message: 'say which recipients: mode "everyone", "failed", "uncertain" or "to-one" with to',
      });
      return z.NEVER;
    }
    if (implied !== undefined && implied !== mode) {
      ctx.addIssue({ code: 'custom', message: `mode "${mode}" contradicts the other fields` });
      return z.NEVER;
    }
    if (mode === 'to-one' && !b.to) {
      ctx.addIssue({ code: 'custom', message: 'mode "to-one" needs to' });
      return z.NEVER;
    }
    return { edition: b.edition, mode, to: b.to, reason: b.reason };
  });

/** JSON only: an HTML form cannot send it, so no page can make a browser post an admin write. */
async function jsonOnly(req: FastifyRequest, reply: FastifyReply) {
  if (!String(req.headers['content-type'] ?? '').startsWith('application/json')) {
    return reply
      .code(415)
      .send({ error: 'unsupported_media_type', message: 'send the body as application/json' });
  }
}

/** A request the route's schema refused, answered with what was wrong (attachValidation). */
function invalid(reply: FastifyReply, err: Error) {
  return reply.code(400).send({ error: 'invalid_request', message: err.message });
}

const EMAIL_PARAM = { type: 'string', minLength: 1, maxLength: 320 } as const;

// Bull Board's page loads its own scripts and styles (and a Google font); nothing else.
const BOARD_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline' https://fonts.googleapis.com",
  'font-src https://fonts.gstatic.com',
  "img-src 'self' data:",
  "frame-ancestors 'none'",
  "base-uri 'self'",
].join('; ');

/**
 * Everything under /admin (register with that prefix, only when ADMIN_TOKEN is set): Bull Board
 * at /admin/queues, its assets and API included, and the JSON API. One onRequest hook guards
 * the whole encapsulated plugin, so no route added here can forget the check.
 */
export async function adminRoutes(
  app: FastifyInstance,
  opts: { ctx: AdminContext; token: string; failures?: FailureThrottleOptions },
): Promise<void> {
  const { ctx } = opts;
  const authorized = createTokenCheck(opts.token);
  const failures = createFailureThrottle(
    ctx.redis,
    createKeys(ctx.config.prefix, { cluster: ctx.redis.isCluster }).adminFailures,
    opts.failures,
  );
  app.addHook('onRequest', async (req, reply) => {
    reply.header('cache-control', 'no-store');
    // Guessing the token from one address stops after a few misses; the right token waits too.
    const wait = await failures.blockedFor(req.ip);
    if (wait > 0) {
      return reply
        .code(429)
        .header('retry-after', String(wait))
        .send({ error: 'rate_limited', message: 'too many refused attempts; wait and try again' });
    }
    if (!authorized(req.headers.authorization)) {
      await failures.record(req.ip);
      return reply
        .code(401)
        .header('www-authenticate', CHALLENGES)
        .send({ error: 'unauthorized', message: 'Authorization: Bearer ADMIN_TOKEN required' });
    }
    // The browser adds the operator's Basic credentials to a form another site submits: a
    // write must come from our own pages or from a client that is not a browser.
    const crossSite = crossSiteReason(req, ctx.config.siteUrl);
    if (crossSite) {
      req.log.warn(
        { route: req.routeOptions.url, reason: crossSite },
        'cross-site admin write refused',
      );
      return reply.code(403).send({ error: 'cross_site', message: `refused: ${crossSite}` });
    }
  });

  // Unknown paths under /admin go through the check too: a stranger learns nothing of them.
  app.setNotFoundHandler((_req, reply) =>
    reply.code(404).send({ error: 'not_found', message: 'no such admin route' }),
  );

  const board = new FastifyAdapter();
  board.setBasePath('/admin/queues');
  createBullBoard({
    queues: QUEUE_NAMES.map((name) => new BullMQAdapter(ctx.queues[name])),
    // @bull-board/fastify pins its own copy of @bull-board/api (a patch version apart): the
    // classes are the same shape but TypeScript sees two declarations.
    serverAdapter: board as unknown as IServerAdapter,
    options: { uiConfig: { boardTitle: `${ctx.config.siteName} queues` } },
  });
  await app.register(
    async (scope) => {
      scope.addHook('onRequest', async (_req, reply) => {
        reply.header('content-security-policy', BOARD_CSP);
      });
      await scope.register(board.registerPlugin());
    },
    { prefix: '/queues' },
  );

  app.post('/resend', { preValidation: jsonOnly }, async (req, reply) => {
    const parsed = ResendBody.safeParse(req.body ?? {});
    if (!parsed.success) {
      return reply
        .code(400)
        .send({ error: 'invalid_request', message: parsed.error.issues[0]?.message ?? 'bad body' });
    }
    const b = parsed.data;
    const states =
      b.mode === 'to-one' || b.mode === 'everyone'
        ? []
        : (b.mode.split('+') as ('failed' | 'uncertain')[]);
    const result = await resend(ctx, {
      editionId: b.edition,
      to: b.mode === 'to-one' ? b.to : undefined,
      states,
      reason: b.reason ?? 'operator resend (admin API)',
      actor: 'admin-api',
    });
    return reply.code(202).send(result);
  });

  app.get<{ Params: { id: string }; Querystring: { state?: string; limit?: string } }>(
    '/editions/:id',
    async (req) => {
      const { id } = req.params;
      if (!EDITION_ID.test(id)) throw new NotFoundError(`no edition "${id}"`);
      const report = await statusReport(ctx, id);
      const state = DELIVERY_STATES.find((s) => s === req.query.state);
      if (!state) return report;
      // The records in one state, with whom and why: what an operator reads before a resend.
      const limit = Math.min(Math.max(Number(req.query.limit) || 100, 1), 1000);
      const ids: string[] = [];
      for await (const batch of ctx.deliveries.scanState(id, state)) {
        ids.push(...batch);
        if (ids.length >= limit) break;
      }
      const chosen = ids.slice(0, limit);
      const [subs, records] = await Promise.all([
        ctx.subscribers.getMany(chosen),
        ctx.deliveries.getMany(id, chosen),
      ]);
      const list = chosen.map((sid, i) => ({
        subscriberId: sid,
        email: subs[i]?.email ?? null,
        ...records[i],
      }));
      return { ...report, records: { state, list } };
    },
  );

  app.get<{ Querystring: { limit?: string } }>('/audit', async (req) => ({
    entries: await readAudit(ctx, Math.min(Math.max(Number(req.query.limit) || 50, 1), 1000)),
  }));

  app.get<{ Querystring: { limit: number; offset: number } }>(
    '/suppressions',
    {
      attachValidation: true,
      schema: {
        querystring: {
          type: 'object',
          properties: {
            limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
            offset: { type: 'integer', minimum: 0, default: 0 },
          },
          additionalProperties: false,
        },
      },
    },
    async (req, reply) => {
      if (req.validationError) return invalid(reply, req.validationError);
      const { limit, offset } = req.query;
      const all = await ctx.suppressions.list();
      return { total: all.length, offset, limit, entries: all.slice(offset, offset + limit) };
    },
  );

  app.post<{ Body: { email: string; reason?: SuppressionReason; note?: string } }>(
    '/suppressions',
    {
      preValidation: jsonOnly,
      attachValidation: true,
      schema: {
        body: {
          type: 'object',
          required: ['email'],
          properties: {
            email: EMAIL_PARAM,
            reason: { enum: [...SUPPRESSION_REASONS] },
            note: { type: 'string', maxLength: 500 },
          },
          additionalProperties: false,
        },
      },
    },
    async (req, reply) => {
      if (req.validationError) return invalid(reply, req.validationError);
      const { email, reason = 'manual', note } = req.body;
      let address: string;
      try {
        address = normalizeEmail(email);
      } catch (err) {
        if (err instanceof InvalidSubscriberError) return invalid(reply, err);
        throw err;
      }
      const entry = await ctx.suppressions.add(address, reason, 'admin', {
        ...(note ? { detail: note } : {}),
      });
      return reply.code(201).send(entry);
    },
  );

  app.delete<{ Params: { email: string } }>(
    '/suppressions/:email',
    {
      schema: {
        params: { type: 'object', properties: { email: EMAIL_PARAM }, required: ['email'] },
      },
    },
    async (req, reply) => {
      const { email } = req.params;
      // The subscriber record stays as it is: taking an address off the list is not a resubscribe.
      if (!(await ctx.suppressions.remove(email)))
        return reply.code(404).send({ error: 'not_found', message: `${email} is not suppressed` });
      return { removed: email };
    },
  );
}

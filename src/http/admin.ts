import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import type { IServerAdapter } from '@bull-board/api/typings/app';
import { FastifyAdapter } from '@bull-board/fastify';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Context } from '../context.js';
import { readAudit, resend } from '../delivery/resend.js';
import { statusReport } from '../delivery/status.js';
import { EDITION_ID } from '../edition/edition.js';
import { NotFoundError } from '../errors.js';
import { QUEUE_NAMES } from '../queues.js';
import { DELIVERY_STATES } from '../store/deliveries.js';
import { CHALLENGES, createTokenCheck } from './auth.js';

export type AdminContext = Pick<
  Context,
  'config' | 'queues' | 'editions' | 'deliveries' | 'subscribers' | 'redis'
>;

const ResendBody = z
  .object({
    edition: z.string().regex(EDITION_ID),
    to: z.string().max(320).optional(),
    failed: z.boolean().optional(),
    uncertain: z.boolean().optional(),
    reason: z.string().max(500).optional(),
  })
  .refine(
    (b) => !(b.to && (b.failed || b.uncertain)),
    'to cannot be combined with failed or uncertain',
  );

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
  opts: { ctx: AdminContext; token: string },
): Promise<void> {
  const { ctx } = opts;
  const authorized = createTokenCheck(opts.token);
  app.addHook('onRequest', async (req, reply) => {
    if (!authorized(req.headers.authorization)) {
      return reply
        .code(401)
        .header('www-authenticate', CHALLENGES)
        .header('cache-control', 'no-store')
        .send({ error: 'unauthorized', message: 'Authorization: Bearer ADMIN_TOKEN required' });
    }
    reply.header('cache-control', 'no-store');
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

  app.post('/resend', async (req, reply) => {
    const parsed = ResendBody.safeParse(req.body ?? {});
    if (!parsed.success) {
      return reply
        .code(400)
        .send({ error: 'invalid_request', message: parsed.error.issues[0]?.message ?? 'bad body' });
    }
    const b = parsed.data;
    const states = [
      ...(b.failed ? ['failed' as const] : []),
      ...(b.uncertain ? ['uncertain' as const] : []),
    ];
    const result = await resend(ctx, {
      editionId: b.edition,
      to: b.to,
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
}

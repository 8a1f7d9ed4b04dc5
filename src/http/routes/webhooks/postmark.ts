import type { FastifyInstance } from 'fastify';
import { postmarkEvent, type PostmarkRecord } from '../../../domain/webhooks/postmark.js';
import { applyWebhookEvents } from '../../../operations/webhooks.js';
import { createBasicCheck } from '../../auth.js';
import { WebhookRefusal, type WebhookRouteOptions } from './shared.js';

const body = {
  type: 'object',
  required: ['RecordType', 'ID', 'Email'],
  properties: {
    RecordType: { type: 'string', maxLength: 100 },
    ID: { anyOf: [{ type: 'integer' }, { type: 'string', maxLength: 100 }] },
    BouncedAt: { type: 'string', maxLength: 100 },
    Type: { type: 'string', maxLength: 100 },
    Email: { type: 'string', maxLength: 320 },
    Description: { type: 'string' },
    Details: { type: 'string' },
    MessageID: { type: 'string' },
  },
} as const;

/**
 * POST /webhooks/postmark: Postmark's Bounce and SpamComplaint webhooks, which carry no
 * signature: the webhook URL holds Basic credentials (https://user:password@…/webhooks/postmark).
 */
export async function postmarkRoute(
  app: FastifyInstance,
  opts: WebhookRouteOptions & { user: string; password: string },
): Promise<void> {
  const authorized = createBasicCheck(opts.user, opts.password);
  app.post<{ Body: PostmarkRecord }>(
    '/postmark',
    {
      schema: { body },
      // Before the body is read: a stranger's post costs nothing.
      onRequest: async (req, reply) => {
        if (authorized(req.headers.authorization)) return;
        reply.header('www-authenticate', 'Basic realm="gazette-webhooks", charset="UTF-8"');
        throw new WebhookRefusal(
          401,
          'unauthorized',
          'Basic credentials POSTMARK_WEBHOOK_USER:POSTMARK_WEBHOOK_PASSWORD required',
        );
      },
    },
    async (req) => {
      const record = req.body;
      return applyWebhookEvents(opts.ctx, 'postmark', [
        {
          // Postmark's ids are 64-bit and JSON.parse rounds past 2^53: the address and time keep
          // two records apart even then; the record type keeps a bounce and a complaint apart.
          id: [record.RecordType, record.ID, record.Email, record.BouncedAt ?? ''].join(':'),
          events: [postmarkEvent(record)],
        },
      ]);
    },
  );
}

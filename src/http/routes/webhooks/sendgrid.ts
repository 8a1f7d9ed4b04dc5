import type { KeyObject } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import {
  sendGridEvent,
  verifySendGrid,
  type SendGridEvent,
} from '../../../domain/webhooks/sendgrid.js';
import { applyWebhookEvents } from '../../../operations/webhooks.js';
import { WebhookRefusal, type WebhookRouteOptions } from './shared.js';

const SIGNATURE = 'x-twilio-email-event-webhook-signature';
const TIMESTAMP = 'x-twilio-email-event-webhook-timestamp';

const body = {
  type: 'array',
  maxItems: 10_000,
  items: {
    type: 'object',
    required: ['event', 'email', 'sg_event_id'],
    properties: {
      event: { type: 'string', maxLength: 100 },
      email: { type: 'string', maxLength: 320 },
      sg_event_id: { type: 'string', minLength: 1, maxLength: 200 },
      type: { type: 'string' },
      reason: { type: 'string' },
      status: { type: 'string' },
      'smtp-id': { type: 'string' },
    },
  },
} as const;

/** POST /webhooks/sendgrid: SendGrid's Signed Event Webhook, a batch of events a post. */
export async function sendGridRoute(
  app: FastifyInstance,
  opts: WebhookRouteOptions & { publicKey: KeyObject },
): Promise<void> {
  app.post<{ Body: SendGridEvent[] }>(
    '/sendgrid',
    {
      schema: { body },
      // On the exact bytes, before the schema looks at the parsed body.
      preValidation: async (req) => {
        const signature = req.headers[SIGNATURE];
        const timestamp = req.headers[TIMESTAMP];
        if (typeof signature !== 'string' || typeof timestamp !== 'string')
          throw new WebhookRefusal(
            401,
            'unsigned',
            `the ${SIGNATURE} and ${TIMESTAMP} headers are required (turn on the Signed Event Webhook)`,
          );
        if (!verifySendGrid(opts.publicKey, timestamp, opts.raw(req), signature))
          throw new WebhookRefusal(
            401,
            'bad_signature',
            'the signature does not verify with SENDGRID_WEBHOOK_PUBLIC_KEY',
          );
      },
    },
    async (req) =>
      applyWebhookEvents(
        opts.ctx,
        'sendgrid',
        req.body.map((e) => ({ id: e.sg_event_id, events: [sendGridEvent(e)] })),
      ),
  );
}

import type { FastifyInstance } from 'fastify';
import {
  mailgunEvent,
  verifyMailgun,
  type MailgunPayload,
} from '../../../domain/webhooks/mailgun.js';
import { applyWebhookEvents } from '../../../operations/webhooks.js';
import { WebhookRefusal, type WebhookRouteOptions } from './shared.js';

/** A signed post older (or newer) than this is a replay, or a clock far off: refused. */
const MAX_SKEW_S = 15 * 60;

const body = {
  type: 'object',
  required: ['signature', 'event-data'],
  properties: {
    signature: {
      type: 'object',
      required: ['timestamp', 'token', 'signature'],
      properties: {
        timestamp: { type: 'string', pattern: '^[0-9]{1,12}$' },
        token: { type: 'string', minLength: 1, maxLength: 200 },
        signature: { type: 'string', pattern: '^[0-9a-fA-F]{64}$' },
      },
    },
    'event-data': {
      type: 'object',
      required: ['id', 'event', 'recipient'],
      properties: {
        id: { type: 'string', minLength: 1, maxLength: 200 },
        event: { type: 'string', maxLength: 100 },
        recipient: { type: 'string', maxLength: 320 },
        severity: { type: 'string' },
        reason: { type: 'string' },
      },
    },
  },
} as const;

/** POST /webhooks/mailgun: Mailgun's JSON webhooks (failed, complained), HMAC-signed. */
export async function mailgunRoute(
  app: FastifyInstance,
  opts: WebhookRouteOptions & { signingKey: string },
): Promise<void> {
  app.post<{ Body: MailgunPayload }>('/mailgun', { schema: { body } }, async (req) => {
    const { signature } = req.body;
    if (!verifyMailgun(opts.signingKey, signature))
      throw new WebhookRefusal(
        401,
        'bad_signature',
        'the signature does not verify with MAILGUN_WEBHOOK_SIGNING_KEY',
      );
    const skew = Math.abs(Date.now() / 1000 - Number(signature.timestamp));
    if (skew > MAX_SKEW_S)
      throw new WebhookRefusal(
        401,
        'stale',
        `the signed timestamp is ${Math.round(skew)} s away from now (over ${MAX_SKEW_S}): a replay?`,
      );
    const data = req.body['event-data'];
    return applyWebhookEvents(opts.ctx, 'mailgun', [{ id: data.id, events: [mailgunEvent(data)] }]);
  });
}

import type { FastifyInstance } from 'fastify';
import { sesEvents } from '../../../domain/webhooks/ses.js';
import { verifySnsSignature, type SnsMessage } from '../../../domain/webhooks/sns.js';
import { applyWebhookEvents } from '../../../operations/webhooks.js';
import { MalformedReportError, errorMessage } from '../../../runtime/errors.js';
import {
  createSnsCertCache,
  fetchText as defaultFetch,
  isSnsUrl,
  SNS_HOST,
} from '../../../runtime/sns-certs.js';
import { WebhookRefusal, type SnsOptions, type WebhookRouteOptions } from './shared.js';

const text = { type: 'string', maxLength: 2048 } as const;

const body = {
  type: 'object',
  required: [
    'Type',
    'MessageId',
    'TopicArn',
    'Message',
    'Timestamp',
    'SignatureVersion',
    'Signature',
    'SigningCertURL',
  ],
  properties: {
    Type: { enum: ['SubscriptionConfirmation', 'Notification', 'UnsubscribeConfirmation'] },
    MessageId: { type: 'string', minLength: 1, maxLength: 200 },
    TopicArn: text,
    // An SNS message is at most 256 KiB.
    Message: { type: 'string', maxLength: 262_144 },
    Timestamp: text,
    SignatureVersion: { enum: ['1', '2'] },
    Signature: text,
    SigningCertURL: text,
    Subject: text,
    SubscribeURL: text,
    Token: text,
    UnsubscribeURL: text,
  },
} as const;

/**
 * POST /webhooks/ses: SES bounce and complaint notifications through an SNS topic. Only the
 * topics in SES_SNS_TOPIC_ARNS are taken (anyone can sign for a topic of their own); the signature
 * is checked with the certificate SNS names, fetched only from SNS's own https hosts; a
 * subscription is confirmed by GETting its SubscribeURL, under the same rule.
 */
export async function sesRoute(
  app: FastifyInstance,
  opts: WebhookRouteOptions & SnsOptions & { topicArns: readonly string[] },
): Promise<void> {
  const hosts = opts.hostPattern ?? SNS_HOST;
  const fetchText = opts.fetchText ?? defaultFetch;
  const certs = createSnsCertCache(fetchText);
  const log = opts.ctx.log.child({ component: 'webhook-ses' });

  app.post<{ Body: SnsMessage }>('/ses', { schema: { body } }, async (req, reply) => {
    const m = req.body;
    if (!opts.topicArns.includes(m.TopicArn))
      throw new WebhookRefusal(
        403,
        'unknown_topic',
        `topic ${m.TopicArn} is not in SES_SNS_TOPIC_ARNS`,
      );
    if (!isSnsUrl(m.SigningCertURL, hosts))
      throw new WebhookRefusal(
        403,
        'bad_certificate_url',
        'SigningCertURL is not an SNS https URL',
      );
    let verified: boolean;
    try {
      verified = verifySnsSignature(m, await certs.get(m.SigningCertURL));
    } catch (err) {
      // SNS retries on a 5xx: a certificate that could not be fetched now may be fetched later.
      log.warn({ err: errorMessage(err) }, 'SNS signing certificate not fetched');
      return reply
        .code(502)
        .send({ error: 'certificate', message: 'signing certificate not fetched' });
    }
    if (!verified)
      throw new WebhookRefusal(401, 'bad_signature', 'the SNS signature does not verify');

    if (m.Type === 'SubscriptionConfirmation') {
      if (!m.SubscribeURL || !isSnsUrl(m.SubscribeURL, hosts))
        throw new WebhookRefusal(403, 'bad_subscribe_url', 'SubscribeURL is not an SNS https URL');
      await fetchText(m.SubscribeURL);
      log.info({ topic: m.TopicArn }, 'SNS subscription confirmed');
      return { confirmed: m.TopicArn };
    }
    if (m.Type === 'UnsubscribeConfirmation') {
      log.warn({ topic: m.TopicArn }, 'SNS subscription ended: SES bounces no longer arrive here');
      return { unsubscribed: m.TopicArn };
    }
    let events;
    try {
      events = sesEvents(m.Message);
    } catch (err) {
      if (err instanceof MalformedReportError)
        throw new WebhookRefusal(400, 'malformed', err.message);
      throw err;
    }
    return applyWebhookEvents(opts.ctx, 'ses', [{ id: m.MessageId, events }]);
  });
}

import type { FastifyRequest } from 'fastify';
import type { Context } from '../../../operations/context.js';
import type { FetchText } from '../../../runtime/sns-certs.js';

export type WebhookContext = Pick<
  Context,
  'config' | 'log' | 'subscribers' | 'suppressions' | 'deliveries' | 'inbound' | 'webhookEvents'
>;

/** How /webhooks/ses reaches SNS; a test serves its own certificate over loopback. */
export interface SnsOptions {
  /** Hosts SigningCertURL and SubscribeURL may name (https always); default sns.<region>.amazonaws.com. */
  hostPattern?: RegExp;
  fetchText?: FetchText;
}

/** What each provider's route gets: the context, and the exact bytes of the request body. */
export interface WebhookRouteOptions {
  ctx: WebhookContext;
  raw(req: FastifyRequest): Buffer;
}

/** A refusal the error handler answers with its status and message as they are. */
export class WebhookRefusal extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

import { verify, type KeyObject } from 'node:crypto';
import { addressOf, bracketed, detailOf, type ProviderEvent } from './events.js';

export interface SendGridEvent {
  event: string;
  email: string;
  sg_event_id: string;
  type?: string;
  reason?: string;
  status?: string;
  /** The Message-ID of the copy, as SendGrid received it. */
  'smtp-id'?: string;
}

/** The Signed Event Webhook: ECDSA SHA-256 over the timestamp header and the body's exact bytes. */
export function verifySendGrid(
  key: KeyObject,
  timestamp: string,
  rawBody: Buffer,
  signatureBase64: string,
): boolean {
  const data = Buffer.concat([Buffer.from(timestamp, 'utf8'), rawBody]);
  try {
    return verify(
      'sha256',
      data,
      { key, dsaEncoding: 'der' },
      Buffer.from(signatureBase64, 'base64'),
    );
  } catch {
    // A signature that is no DER at all is refused like a wrong one.
    return false;
  }
}

/**
 * `bounce` is hard, unless its type is `blocked` (the receiver refused this time: soft);
 * `spamreport` a complaint; `dropped` repeats what SendGrid's own list knows (a bounced or
 * invalid address is hard, a spam-reporting one a complaint). The rest: nothing.
 */
export function sendGridEvent(e: SendGridEvent): ProviderEvent {
  const email = addressOf(e.email) ?? '';
  const messageId = bracketed(e['smtp-id']);
  const base = {
    email,
    detail: detailOf(e.event, e.type, e.status, e.reason),
    ...(messageId ? { messageId } : {}),
  };
  if (e.event === 'spamreport') return { kind: 'complaint', ...base };
  if (e.event === 'bounce')
    return { kind: e.type === 'blocked' ? 'soft-bounce' : 'hard-bounce', ...base };
  if (e.event === 'dropped') {
    if (/spam/i.test(e.reason ?? '')) return { kind: 'complaint', ...base };
    if (/bounce|invalid/i.test(e.reason ?? '')) return { kind: 'hard-bounce', ...base };
  }
  return { kind: 'ignored', ...base };
}

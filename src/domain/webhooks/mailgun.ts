import { createHmac, timingSafeEqual } from 'node:crypto';
import { addressOf, bracketed, detailOf, type ProviderEvent } from './events.js';

export interface MailgunPayload {
  signature: { timestamp: string; token: string; signature: string };
  'event-data': {
    id: string;
    event: string;
    recipient: string;
    severity?: string;
    reason?: string;
    message?: { headers?: { 'message-id'?: string } };
    'delivery-status'?: { code?: number; message?: string; description?: string };
  };
}

/** Mailgun signs with HMAC-SHA256(key, timestamp + token), hex. */
export function verifyMailgun(signingKey: string, s: MailgunPayload['signature']): boolean {
  const expected = createHmac('sha256', signingKey)
    .update(s.timestamp + s.token)
    .digest();
  const given = Buffer.from(s.signature, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** `failed` with severity permanent is hard, temporary soft; `complained` a complaint. */
export function mailgunEvent(d: MailgunPayload['event-data']): ProviderEvent {
  const email = addressOf(d.recipient) ?? '';
  const messageId = bracketed(d.message?.headers?.['message-id']);
  const status = d['delivery-status'];
  const base = {
    email,
    detail: detailOf(
      d.event,
      d.severity,
      d.reason,
      status?.code,
      status?.message || status?.description,
    ),
    ...(messageId ? { messageId } : {}),
  };
  if (d.event === 'complained') return { kind: 'complaint', ...base };
  if (d.event === 'failed')
    return { kind: d.severity === 'permanent' ? 'hard-bounce' : 'soft-bounce', ...base };
  return { kind: 'ignored', ...base };
}

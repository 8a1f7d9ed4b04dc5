import { messageIdFor } from '../domain/mail/ids.js';

export const DELIVERY_STATES = [
  'queued',
  'sending',
  'sent',
  'failed',
  'bounced',
  'uncertain',
] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

/** One record per (edition, subscriber): the durable truth of who got what. */
export interface DeliveryRecord {
  state: DeliveryState;
  attempts: number;
  lastError?: string;
  messageId?: string;
  response?: string;
  queuedAt: string;
  updatedAt: string;
  sentAt?: string;
  /** How many times an operator asked for this record to be sent again. */
  resends?: number;
  /** The deliver job that last took it to `sending`: a re-run of that same job knows it crashed. */
  owner?: string;
}

/**
 * A record as stored: one short-keyed JSON value per subscriber in the edition's hash. Times are
 * ms since the epoch (records written before 0.2 hold ISO strings: both are read). `m` is `@domain`
 * when the Message-ID is the one derived from (edition, subscriber), which is every copy we send:
 * the 60 bytes of the full id are known without storing them. `j` (the owner) is kept only while
 * the record is `sending`, the one state whose readers ask for it. A `sent` record has no `d`
 * (sentAt) while it is `sent`: it was sent when it was last written, `t`.
 */
export type Wire = {
  s: DeliveryState;
  a: number;
  e?: string;
  m?: string;
  r?: string;
  q: string | number;
  t: string | number;
  d?: string | number;
  n?: number;
  j?: string;
};

const iso = (t: string | number) => (typeof t === 'number' ? new Date(t).toISOString() : t);

/** The domain of a Message-ID that `messageIdFor` would derive for this record, else undefined. */
export function derivedIdDomain(
  edition: string,
  subscriber: string,
  messageId: string,
): string | undefined {
  const domain = /@([^@<>]+)>$/.exec(messageId)?.[1];
  return domain && messageIdFor(edition, subscriber, domain) === messageId ? domain : undefined;
}

export const toRecord = (w: Wire, edition: string, subscriber: string): DeliveryRecord => ({
  state: w.s,
  attempts: w.a,
  ...(w.e ? { lastError: w.e } : {}),
  ...(w.m
    ? {
        messageId: w.m.startsWith('@') ? messageIdFor(edition, subscriber, w.m.slice(1)) : w.m,
      }
    : {}),
  ...(w.r ? { response: w.r } : {}),
  queuedAt: iso(w.q),
  updatedAt: iso(w.t),
  ...(w.d ? { sentAt: iso(w.d) } : w.s === 'sent' ? { sentAt: iso(w.t) } : {}),
  ...(w.n ? { resends: w.n } : {}),
  ...(w.j ? { owner: w.j } : {}),
});

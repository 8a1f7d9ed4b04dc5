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

/** A record as stored: one short-keyed JSON value per subscriber in the edition's hash. */
export type Wire = {
  s: DeliveryState;
  a: number;
  e?: string;
  m?: string;
  r?: string;
  q: string;
  t: string;
  d?: string;
  n?: number;
  j?: string;
};

export const toRecord = (w: Wire): DeliveryRecord => ({
  state: w.s,
  attempts: w.a,
  ...(w.e ? { lastError: w.e } : {}),
  ...(w.m ? { messageId: w.m } : {}),
  ...(w.r ? { response: w.r } : {}),
  queuedAt: w.q,
  updatedAt: w.t,
  ...(w.d ? { sentAt: w.d } : {}),
  ...(w.n ? { resends: w.n } : {}),
  ...(w.j ? { owner: w.j } : {}),
});

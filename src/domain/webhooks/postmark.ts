import { addressOf, detailOf, type ProviderEvent } from './events.js';

/** Postmark's bounce types (its Bounce API): which end an address, which are passing trouble. */
const HARD = new Set(['HardBounce', 'BadEmailAddress']);
const SOFT = new Set(['SoftBounce', 'Transient', 'DnsError']);

export interface PostmarkRecord {
  RecordType: string;
  ID: number | string;
  Type?: string;
  Email: string;
  BouncedAt?: string;
  Description?: string;
  Details?: string;
  /** Postmark's own id of the message, not our Message-ID. */
  MessageID?: string;
}

/**
 * A Bounce or SpamComplaint record. Postmark does not return our Message-ID, so the match is by
 * address alone. Other bounce types (auto-replies, blocks, challenge mails) change nothing.
 */
export function postmarkEvent(r: PostmarkRecord): ProviderEvent {
  const email = addressOf(r.Email) ?? '';
  const detail = detailOf(r.Type, r.Description, r.Details);
  if (r.RecordType === 'SpamComplaint' || r.Type === 'SpamComplaint')
    return { kind: 'complaint', email, detail };
  if (r.RecordType !== 'Bounce') return { kind: 'ignored', email, detail };
  const kind = HARD.has(r.Type ?? '')
    ? 'hard-bounce'
    : SOFT.has(r.Type ?? '')
      ? 'soft-bounce'
      : 'ignored';
  return { kind, email, detail };
}

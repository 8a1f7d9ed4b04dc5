/**
 * A provider's webhook event, read into the one shape the apply step takes: who, what, and the
 * Message-ID of our copy when the provider returns it (it names the edition, domain/mail/ids.ts).
 */
export interface ProviderEvent {
  kind: 'hard-bounce' | 'soft-bounce' | 'complaint' | 'ignored';
  email: string;
  messageId?: string;
  /** What the provider said, for the suppression entry and the delivery record. */
  detail: string;
}

/** Events the provider sent under one id: a retry carries the same id, and is taken once. */
export interface ProviderBatch {
  id: string;
  events: ProviderEvent[];
}

/** `<a@b>`, `a@b` or `"Name" <a@b>` → `a@b`; undefined when no address is there. */
export function addressOf(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const a = (/<([^<>]+)>\s*$/.exec(value)?.[1] ?? value).trim();
  return /^[^@\s<>]+@[^@\s<>]+$/.test(a) ? a.toLowerCase() : undefined;
}

/** The Message-ID in the form our own carries (`<…>`), whether or not the provider kept the brackets. */
export function bracketed(messageId: unknown): string | undefined {
  if (typeof messageId !== 'string' || !messageId.trim()) return undefined;
  const id = messageId.trim();
  return id.startsWith('<') ? id : `<${id}>`;
}

/** A provider's text, on one line and short: it ends in a log line and a Redis hash. */
export function detailOf(...parts: unknown[]): string {
  return parts
    .filter((p) => (typeof p === 'string' && p.trim()) || typeof p === 'number')
    .map((p) => String(p).replace(/\s+/g, ' ').trim())
    .join(' ')
    .slice(0, 300);
}

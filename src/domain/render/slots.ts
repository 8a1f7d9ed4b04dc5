import { createHmac } from 'node:crypto';
import { cleanLine, truncate } from '../hygiene.js';
import { escapeHtml, safeHttpUrl } from './safe.js';

/** What differs between two subscribers' copies of one edition. */
export const SLOTS = ['unsubscribeUrl', 'preferencesUrl', 'greeting'] as const;
export type Slot = (typeof SLOTS)[number];

/** The marker standing for each slot in a rendered edition. */
export type Placeholders = Readonly<Record<Slot, string>>;

export interface RecipientValues {
  /** `${siteUrl}/unsubscribe?token=…` for this subscriber. */
  unsubscribeUrl: string;
  /** `${siteUrl}/preferences?token=…` for this subscriber. */
  preferencesUrl: string;
  name?: string | null;
}

/**
 * Markers carry a nonce keyed with SECRET over the edition: article text cannot spell one
 * (so a hostile story cannot make us paste a subscriber's unsubscribe link into its body), and
 * the same edition always renders to the same bytes. Letters, digits and `_` only, so escaping,
 * MJML, URL attributes and quoted-printable all leave them whole.
 */
export function makePlaceholders(secret: string, editionKey: string): Placeholders {
  const nonce = createHmac('sha256', secret)
    .update(`gazette-placeholder\0${editionKey}`)
    .digest('hex')
    .slice(0, 16);
  return Object.freeze({
    unsubscribeUrl: `__GZ_UNSUBSCRIBE_${nonce}__`,
    preferencesUrl: `__GZ_PREFERENCES_${nonce}__`,
    greeting: `__GZ_GREETING_${nonce}__`,
  });
}

/** The greeting line a recipient's copy opens with. */
function greetingFor(name: string | null | undefined): string {
  const clean = name ? truncate(cleanLine(name), 60) : '';
  return clean ? `Hello ${clean},` : 'Hello,';
}

/** Slot values for the text part (raw) and the HTML part (escaped); URLs must be http(s). */
export function slotValues(r: RecipientValues): {
  text: Record<Slot, string>;
  html: Record<Slot, string>;
} {
  const text = {
    unsubscribeUrl: requireUrl(r.unsubscribeUrl, 'unsubscribeUrl'),
    preferencesUrl: requireUrl(r.preferencesUrl, 'preferencesUrl'),
    greeting: greetingFor(r.name),
  };
  return {
    text,
    html: {
      unsubscribeUrl: escapeHtml(text.unsubscribeUrl),
      preferencesUrl: escapeHtml(text.preferencesUrl),
      greeting: escapeHtml(text.greeting),
    },
  };
}

function requireUrl(raw: string, what: string): string {
  const url = safeHttpUrl(raw);
  if (!url) throw new RangeError(`${what} must be an http(s) URL`);
  return url;
}

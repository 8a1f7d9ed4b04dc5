import { domainOf, parseMailbox } from './headers.js';
import { signToken } from './tokens.js';

/** One subscriber's own links: what the edition's placeholders and List-Unsubscribe carry. */
export interface RecipientLinks {
  unsubscribeUrl: string;
  preferencesUrl: string;
  /** RFC 2369 mailto fallback for clients that do not do RFC 8058 one-click. */
  mailtoUnsubscribe: string;
}

export function recipientLinks(
  config: { siteUrl: string; secret: string; mailFrom: string },
  subscriberId: string,
): RecipientLinks {
  const unsubscribe = signToken({ sub: subscriberId, purpose: 'unsubscribe' }, config.secret);
  const preferences = signToken({ sub: subscriberId, purpose: 'preferences' }, config.secret);
  const from = parseMailbox(config.mailFrom).address;
  const local = from.slice(0, from.lastIndexOf('@'));
  return {
    unsubscribeUrl: `${config.siteUrl}/unsubscribe?token=${unsubscribe}`,
    preferencesUrl: `${config.siteUrl}/preferences?token=${preferences}`,
    // The token rides in the subject: every client keeps it when it builds the reply.
    mailtoUnsubscribe: `mailto:${local}+unsubscribe@${domainOf(from)}?subject=unsubscribe%20${unsubscribe}`,
  };
}

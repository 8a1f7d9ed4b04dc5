import type { SendMailOptions } from 'nodemailer';
import { cleanLine } from '../src/domain/hygiene.js';
import { personalize } from '../src/domain/render/personalize.js';
import type { RenderedEdition } from '../src/domain/render/render.js';
import { domainOf, parseMailbox } from '../src/domain/mail/headers.js';
import type { ComposeOptions, Recipient } from '../src/domain/mail/compose.js';
import { listIdFor, messageIdFor } from '../src/domain/mail/ids.js';

/**
 * The slow, obvious path: nodemailer builds the MIME message for every copy. It is the
 * benchmark's baseline and the reference the fast path is tested against
 * (test/domain/mail/compose.test.ts), never the way Gazette sends.
 */
export function nodemailerOptionsFor(
  rendered: RenderedEdition,
  recipient: Recipient,
  opts: ComposeOptions,
  date: Date = new Date(),
): SendMailOptions {
  const from = parseMailbox(opts.from);
  const domain = domainOf(from.address);
  const { html, text } = personalize(rendered, recipient);
  const name = recipient.name ? cleanLine(recipient.name).slice(0, 120) : '';
  return {
    from: from.name ? { name: from.name, address: from.address } : from.address,
    to: name ? { name, address: recipient.email } : recipient.email,
    subject: rendered.subject,
    date,
    messageId: messageIdFor(rendered.editionId, recipient.subscriberId, domain),
    // Canonical CRLF, as the fast path sends it, so both decode to the same bytes.
    text: crlf(text),
    html: crlf(html),
    textEncoding: 'quoted-printable',
    headers: {
      'List-Id': `${cleanLine(opts.siteName)} <${listIdFor(opts.siteName, domain)}>`,
      'List-Unsubscribe': `<${recipient.unsubscribeUrl}>, <${recipient.mailtoUnsubscribe}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    },
  };
}

function crlf(s: string): string {
  return s.replace(/\r\n?|\n/g, '\r\n');
}

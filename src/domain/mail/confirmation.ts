import { randomBytes } from 'node:crypto';
import { cleanLine } from '../hygiene.js';
import { escapeHtml } from '../render/safe.js';
import {
  domainOf,
  formatDate,
  formatMailbox,
  mailboxHeader,
  parseMailbox,
  unstructuredHeader,
} from './headers.js';
import { encodeQpChunk } from './qp.js';
import type { OutgoingMail } from '../../runtime/smtp/transport.js';

export interface ConfirmationInput {
  /** MAIL_FROM. */
  from: string;
  siteName: string;
  to: { email: string; name?: string | null };
  confirmUrl: string;
  /** How long the link works, for the text ("7 days"). */
  validFor: string;
  date?: Date;
}

const CRLF = '\r\n';

/**
 * The double opt-in mail: multipart/alternative, both parts quoted-printable, every header from
 * the helpers that strip CR/LF. Not a bulk mail, so no List-Unsubscribe: it is sent once, on
 * request, and ignoring it is how one says no.
 */
export function buildConfirmationMail(input: ConfirmationInput): OutgoingMail {
  const from = parseMailbox(input.from);
  const domain = domainOf(from.address);
  const site = cleanLine(input.siteName) || 'Gazette';
  const messageId = `<${randomBytes(16).toString('hex')}.confirm@${domain}>`;
  const boundary = `=_gz_confirm_${randomBytes(12).toString('hex')}`;
  const url = input.confirmUrl;

  const text = [
    `Please confirm your subscription to ${site}.`,
    '',
    'Open this link to start receiving the digest:',
    url,
    '',
    `The link works for ${input.validFor}. If you did not ask for this, ignore this message:`,
    'you will not be subscribed and we will not write again.',
    '',
  ].join('\n');
  const e = escapeHtml;
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${e(site)}</title></head>
<body style="font-family:system-ui,sans-serif;line-height:1.5;color:#1b1b1b">
<p>Please confirm your subscription to <strong>${e(site)}</strong>.</p>
<p><a href="${e(url)}" style="display:inline-block;padding:10px 16px;background:#0b57d0;color:#ffffff;text-decoration:none;border-radius:6px">Confirm my subscription</a></p>
<p style="font-size:14px;color:#555">Or paste this link into your browser: ${e(url)}</p>
<p style="font-size:14px;color:#555">The link works for ${e(input.validFor)}. If you did not ask for this, ignore this message: you will not be subscribed and we will not write again.</p>
</body></html>
`;

  const head =
    `From: ${formatMailbox(from)}${CRLF}` +
    mailboxHeader('To', { name: input.to.name ?? undefined, address: input.to.email }) +
    unstructuredHeader('Subject', `Confirm your subscription to ${site}`) +
    `Date: ${formatDate(input.date ?? new Date())}${CRLF}` +
    `Message-ID: ${messageId}${CRLF}` +
    // RFC 3834: made by a program in answer to a request; vacation responders leave it alone.
    `Auto-Submitted: auto-generated${CRLF}` +
    `MIME-Version: 1.0${CRLF}` +
    `Content-Type: multipart/alternative; boundary="${boundary}"${CRLF}${CRLF}`;
  const part = (type: string, body: string) =>
    Buffer.concat([
      Buffer.from(
        `--${boundary}${CRLF}Content-Type: ${type}; charset=utf-8${CRLF}` +
          `Content-Transfer-Encoding: quoted-printable${CRLF}${CRLF}`,
        'latin1',
      ),
      encodeQpChunk(body),
      Buffer.from(CRLF, 'latin1'),
    ]);
  const raw = Buffer.concat([
    Buffer.from(head, 'latin1'),
    part('text/plain', text),
    part('text/html', html),
    Buffer.from(`--${boundary}--${CRLF}`, 'latin1'),
  ]);
  return { from: from.address, to: input.to.email, raw, messageId };
}

import { createHash } from 'node:crypto';
import { cleanLine } from '../hygiene.js';
import { splitAtPlaceholders, type SplitTemplate } from '../render/personalize.js';
import type { RenderedEdition } from '../render/render.js';
import { safeHttpUrl } from '../render/safe.js';
import { slotValues, type Slot } from '../render/slots.js';
import {
  domainOf,
  encodePhrase,
  foldWords,
  formatDate,
  formatMailbox,
  mailboxHeader,
  parseMailbox,
  unstructuredHeader,
} from './headers.js';
import type { DkimKey } from '../../runtime/dkim-keys.js';
import { createDkimSigner, type DkimSigner } from './dkim.js';
import { listIdFor, messageIdFor } from './ids.js';
import type { RecipientLinks } from './links.js';
import { encodeQpChunk } from './qp.js';
import { isDataSafe } from './data-safe.js';

export { messageIdFor } from './ids.js';
export { recipientLinks } from './links.js';

export interface ComposeOptions {
  /** MAIL_FROM: `Name <address>` or `address`. */
  from: string;
  siteName: string;
  /** Keys every copy is signed with (none: unsigned). */
  dkim?: readonly DkimKey[];
  /** The last field of Feedback-ID (Gmail's sender id); absent: no Feedback-ID header. */
  feedbackSender?: string;
}

export interface Recipient extends RecipientLinks {
  subscriberId: string;
  email: string;
  name?: string | null;
}

/** An edition's message with everything common to all recipients encoded once. */
export interface PreparedMessage {
  readonly editionId: string;
  readonly domain: string;
  /** The SMTP envelope sender (MAIL_FROM's address). */
  readonly sender: string;
  readonly head: Buffer;
  /** The shared headers after the reader's, and the empty line. */
  readonly tail: Buffer;
  /** The body up to the text part's first byte. */
  readonly bodyStart: Buffer;
  readonly text: SplitTemplate<Buffer>;
  readonly html: SplitTemplate<Buffer>;
  readonly between: Buffer;
  readonly end: Buffer;
  /** The shared header lines, for DKIM. */
  readonly headerLines: readonly string[];
  readonly signer?: DkimSigner;
}

const CRLF = '\r\n';

/** Once per edition: headers common to all, and both parts quoted-printable, cut at the placeholders. */
export function prepareEditionMessage(
  rendered: RenderedEdition,
  opts: ComposeOptions,
): PreparedMessage {
  const from = parseMailbox(opts.from);
  const domain = domainOf(from.address);
  // `=_` never occurs in quoted-printable text, so the boundary cannot collide with a part.
  const boundary = `=_gz_${createHash('sha256').update(rendered.editionId).digest('hex').slice(0, 24)}`;
  const listId = listIdFor(opts.siteName, domain);
  const head = `From: ${formatMailbox(from)}${CRLF}`;
  const tailLines = [
    unstructuredHeader('Subject', rendered.subject),
    `MIME-Version: 1.0${CRLF}`,
    // Structured (phrase <id>): only the name may be encoded, never the id.
    foldWords('List-Id:', [
      ...encodePhrase(cleanLine(opts.siteName) || 'Digest').split(' '),
      `<${listId}>`,
    ]),
    `List-Unsubscribe-Post: List-Unsubscribe=One-Click${CRLF}`,
    ...(opts.feedbackSender
      ? [`Feedback-ID: ${feedbackId(rendered.editionId, listId, opts.feedbackSender)}${CRLF}`]
      : []),
    `Content-Type: multipart/alternative; boundary="${boundary}"${CRLF}`,
  ];
  const text = encodeParts(splitAtPlaceholders(rendered.text, rendered.placeholders));
  const html = encodeParts(splitAtPlaceholders(rendered.html, rendered.placeholders));
  const bodyStart = Buffer.from(partHead(boundary, 'text/plain'), 'latin1');
  const between = Buffer.from(`${CRLF}${partHead(boundary, 'text/html')}`, 'latin1');
  const end = Buffer.from(`${CRLF}--${boundary}--${CRLF}`, 'latin1');
  const shared = [head, ...tailLines, CRLF].map((h) => Buffer.from(h, 'latin1'));
  for (const piece of [...shared, bodyStart, between, end, ...text.parts, ...html.parts])
    requireDataSafe(piece, "the edition's message");
  const signer = createDkimSigner(
    opts.dkim ?? [],
    [bodyStart, text.parts[0]!],
    [...text.parts.slice(1), between, ...html.parts, end],
  );
  return Object.freeze({
    editionId: rendered.editionId,
    domain,
    sender: from.address,
    head: Buffer.from(head, 'latin1'),
    tail: Buffer.from(tailLines.join('') + CRLF, 'latin1'),
    bodyStart,
    text,
    html,
    between,
    end,
    headerLines: Object.freeze([head, ...tailLines]),
    ...(signer ? { signer } : {}),
  });
}

/**
 * Gmail's Feedback-ID (`a:b:c:SenderId`): complaint rates are reported per value of each field,
 * so the edition and the list come first; every field is kept to characters that need no quoting.
 */
function feedbackId(editionId: string, listId: string, sender: string): string {
  const field = (v: string) => v.replace(/[^A-Za-z0-9._-]/g, '').slice(0, 60) || 'x';
  return [field(editionId), field(listId), 'gazette', field(sender)].join(':');
}

/** Once per recipient: the complete RFC 5322 message, spliced from pre-encoded pieces. */
export function renderRaw(
  prepared: PreparedMessage,
  recipient: Recipient,
  date: Date = new Date(),
): Buffer {
  const copy = layOut(prepared, recipient, date);
  if (!prepared.signer) return copy.finish('');
  return copy.finish(prepared.signer.sign(copy.signedLines, copy.bodyPieces, date));
}

/**
 * `renderRaw` for the send path: the same bytes, but the DKIM signatures are made on libuv's
 * thread pool, so the event loop goes on writing other copies to their sockets meanwhile.
 */
export async function renderRawAsync(
  prepared: PreparedMessage,
  recipient: Recipient,
  date: Date = new Date(),
): Promise<Buffer> {
  const copy = layOut(prepared, recipient, date);
  if (!prepared.signer) return copy.finish('');
  return copy.finish(await prepared.signer.signAsync(copy.signedLines, copy.bodyPieces, date));
}

/**
 * One copy's pieces. The shared ones were checked data-safe once per edition; the reader's (their
 * headers, their values, the signature) are checked here, a few hundred bytes, so that every copy
 * can go to SMTP's DATA as it is (`dataSafe` in runtime/smtp/transport.ts).
 */
function layOut(prepared: PreparedMessage, recipient: Recipient, date: Date) {
  const values = slotValues(recipient);
  const perRecipient = [
    mailboxHeader('To', { name: recipient.name ?? undefined, address: recipient.email }),
    `Date: ${formatDate(date)}${CRLF}`,
    `Message-ID: ${messageIdFor(prepared.editionId, recipient.subscriberId, prepared.domain)}${CRLF}`,
    listUnsubscribe(recipient),
  ];
  const body: Buffer[] = [prepared.bodyStart];
  splice(body, prepared.text, values.text);
  body.push(prepared.between);
  splice(body, prepared.html, values.html);
  body.push(prepared.end);
  const readerHeaders = Buffer.from(perRecipient.join(''), 'latin1');
  requireDataSafe(readerHeaders, "the reader's headers");
  return {
    signedLines: [...prepared.headerLines, ...perRecipient],
    bodyPieces: { prefix: body.slice(0, 2), rest: body.slice(2) },
    finish(signature: string): Buffer {
      const headers = [prepared.head, readerHeaders, prepared.tail];
      if (signature) {
        const signed = Buffer.from(signature, 'latin1');
        requireDataSafe(signed, 'the DKIM signature');
        headers.unshift(signed);
      }
      return Buffer.concat([...headers, ...body]);
    },
  };
}

function requireDataSafe(piece: Buffer, what: string): void {
  if (!isDataSafe(piece))
    throw new Error(`${what} would need SMTP dot-stuffing or has a bare CR/LF`);
}

/** `List-Unsubscribe: <https…>, <mailto…>` (RFC 2369 + RFC 8058), one header, both URIs. */
function listUnsubscribe(links: RecipientLinks): string {
  const https = safeHttpUrl(links.unsubscribeUrl);
  if (!https) throw new RangeError('unsubscribeUrl must be an http(s) URL');
  if (!/^mailto:[\x21\x23-\x2b\x2d-\x3b\x3d\x3f-\x7e]+$/.test(links.mailtoUnsubscribe))
    throw new RangeError('bad mailto URI');
  return foldWords('List-Unsubscribe:', [`<${https}>,`, `<${links.mailtoUnsubscribe}>`]);
}

function partHead(boundary: string, type: string): string {
  return `--${boundary}${CRLF}Content-Type: ${type}; charset=utf-8${CRLF}Content-Transfer-Encoding: quoted-printable${CRLF}${CRLF}`;
}

function encodeParts(split: SplitTemplate): SplitTemplate<Buffer> {
  return { parts: split.parts.map(encodeQpChunk), slots: split.slots };
}

function splice(
  chunks: Buffer[],
  split: SplitTemplate<Buffer>,
  values: Readonly<Record<Slot, string>>,
): void {
  chunks.push(split.parts[0]!);
  for (let i = 0; i < split.slots.length; i++) {
    const value = encodeQpChunk(values[split.slots[i]!]);
    requireDataSafe(value, "a reader's value");
    chunks.push(value, split.parts[i + 1]!);
  }
}

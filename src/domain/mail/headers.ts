import { cleanLine } from '../hygiene.js';
import { InvalidSubscriberError } from '../../runtime/errors.js';

/**
 * Header values from article text or subscriber records: CR/LF and controls removed (no header
 * injection), RFC 2047 encoded when not ASCII, folded at 78 characters where the text allows.
 */

export interface Mailbox {
  name?: string | undefined;
  address: string;
}

// Deliberately narrower than RFC 5322: what real subscription forms accept, ASCII only.
const ADDRESS =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$/;

export function isValidAddress(address: string): boolean {
  return address.length <= 254 && ADDRESS.test(address) && !/^\.|\.\.|\.@/.test(address);
}

function requireAddress(address: string): string {
  if (!isValidAddress(address)) {
    throw new InvalidSubscriberError(
      `not a deliverable address: ${JSON.stringify(address.slice(0, 80))}`,
    );
  }
  return address;
}

/** `Name <a@b>` or `a@b` (MAIL_FROM's two forms). */
export function parseMailbox(value: string): Mailbox {
  const m = /^\s*(?:"?([^"<]*?)"?\s*<([^<>]+)>|([^\s<>]+))\s*$/.exec(value);
  const address = requireAddress((m?.[2] ?? m?.[3] ?? '').trim());
  const name = m?.[1] ? cleanLine(m[1]) : '';
  return name ? { name, address } : { address };
}

export function domainOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1).toLowerCase();
}

/** `Name <a@b>`, the name quoted or encoded as it needs. */
export function formatMailbox(mailbox: Mailbox): string {
  const address = requireAddress(mailbox.address);
  const name = mailbox.name ? cleanLine(mailbox.name).slice(0, 120) : '';
  if (!name) return address;
  return `${encodePhrase(name)} <${address}>`;
}

/** `To: Name <a@b>` as a whole header line, folded within 78 characters (RFC 5322's 998 at most). */
export function mailboxHeader(field: string, mailbox: Mailbox): string {
  const address = requireAddress(mailbox.address);
  const name = mailbox.name ? cleanLine(mailbox.name).slice(0, 120) : '';
  return foldWords(`${field}:`, [...(name ? encodePhrase(name).split(' ') : []), `<${address}>`]);
}

const ATEXT_PHRASE = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~ -]+$/;

/** A display name as RFC 5322 allows it: atoms, a quoted string, or encoded words. */
export function encodePhrase(name: string): string {
  // Text that looks like an encoded word is encoded itself: quoted, some clients decode it anyway.
  if (!isPrintableAscii(name) || name.includes('=?')) return encodedWords(name).join(' ');
  if (ATEXT_PHRASE.test(name)) return name;
  return `"${name.replace(/[\\"]/g, '\\$&')}"`;
}

/** One header line (folded, CRLF-terminated) with an unstructured value such as Subject. */
export function unstructuredHeader(field: string, value: string): string {
  const text = cleanLine(value);
  const words =
    isPrintableAscii(text) && !text.includes('=?') && text.split(' ').every((w) => w.length <= 66)
      ? text.split(' ')
      : encodedWords(text);
  return foldWords(`${field}:`, words);
}

/** Joins words with folding white space so that lines stay within 78 characters. */
export function foldWords(start: string, words: readonly string[]): string {
  let out = start;
  let lineLength = start.length;
  for (const w of words) {
    if (lineLength + 1 + w.length > 78 && lineLength > start.length) {
      out += `\r\n ${w}`;
      lineLength = 1 + w.length;
    } else {
      out += ` ${w}`;
      lineLength += 1 + w.length;
    }
  }
  return `${out}\r\n`;
}

function isPrintableAscii(s: string): boolean {
  return /^[\x20-\x7e]*$/.test(s);
}

const Q_LITERAL = /[A-Za-z0-9!*+\-/]/;

/**
 * `=?UTF-8?Q?…?=` words of at most 75 characters, never splitting a character (RFC 2047 §5's
 * restricted set, valid in phrases and unstructured text alike).
 */
function encodedWords(text: string): string[] {
  const words: string[] = [];
  let word = '';
  for (const ch of text) {
    const enc = ch === ' ' ? '_' : Q_LITERAL.test(ch) ? ch : qEscape(ch);
    if (word.length + enc.length > 75 - 12) {
      words.push(`=?UTF-8?Q?${word}?=`);
      word = '';
    }
    word += enc;
  }
  if (word || words.length === 0) words.push(`=?UTF-8?Q?${word}?=`);
  return words;
}

function qEscape(ch: string): string {
  let out = '';
  for (const b of Buffer.from(ch, 'utf8'))
    out += `=${b.toString(16).toUpperCase().padStart(2, '0')}`;
  return out;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** RFC 5322 date-time in UTC with a numeric zone: `Sun, 27 Mar 2016 08:00:00 +0000`. */
export function formatDate(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${DAYS[d.getUTCDay()]!}, ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]!} ${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

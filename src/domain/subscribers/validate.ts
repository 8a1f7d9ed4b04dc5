import { domainToASCII } from 'node:url';
import { InvalidSubscriberError } from '../../runtime/errors.js';
import { isValidAddress } from '../mail/headers.js';
import { isTimeZone } from '../../runtime/tz.js';

/** `complained`: marked our mail as spam (an ARF report or a provider's complaint event). */
const SUBSCRIBER_STATUSES = ['pending', 'active', 'unsubscribed', 'bounced', 'complained'] as const;
export type SubscriberStatus = (typeof SUBSCRIBER_STATUSES)[number];

const MAX_NAME_LENGTH = 100;

export function isSubscriberStatus(value: unknown): value is SubscriberStatus {
  return (SUBSCRIBER_STATUSES as readonly unknown[]).includes(value);
}

export function parseStatus(value: string): SubscriberStatus {
  if (isSubscriberStatus(value)) return value;
  throw new InvalidSubscriberError(
    `invalid status ${JSON.stringify(value)}: expected one of ${SUBSCRIBER_STATUSES.join(', ')}`,
    'status',
  );
}

// The dot-atom characters of RFC 5322, plus any letter or digit (SMTPUTF8 local parts).
const LOCAL_CHAR = /^[\p{L}\p{N}\p{M}!#$%&'*+/=?^_`{|}~.-]+$/u;
const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
// The common case, all ASCII, in one pass: a strict subset of what the checks below accept.
const ATOM = "[a-z0-9!#$%&'*+/=?^_`{|}~-]+";
const HOST = '(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?';
const SIMPLE = new RegExp(`^${ATOM}(?:\\.${ATOM})*@${HOST}$`);

/**
 * Lowercase, trimmed and checked; throws InvalidSubscriberError naming the address and the fault.
 * This is the one rule for every way in (add, import, the signup form): what it returns the
 * composer can always write (`isValidAddress`), so no stored address can fail at send time.
 * An international domain is kept in its ASCII form (`xn--…`), which every server accepts; a
 * local part outside ASCII needs SMTPUTF8, which Gazette does not send, so it is refused here.
 */
export function normalizeEmail(raw: string): string {
  const email = String(raw).trim().toLowerCase();
  if (email.length <= 254 && email.indexOf('@') <= 64 && SIMPLE.test(email)) return email;
  const fail = (what: string): never => {
    throw new InvalidSubscriberError(`invalid email address ${quote(raw)}: ${what}`);
  };
  if (email === '') fail('it is empty');
  if (/[\p{Cc}\p{Cf}\s]/u.test(email)) fail('it contains whitespace or control characters');
  if (/[<>",;()[\]\\:]/.test(email)) fail('it contains one of < > " , ; ( ) [ ] \\ :');
  const at = email.split('@');
  if (at.length !== 2) fail(at.length === 1 ? 'it has no @' : 'it has more than one @');
  const [local, domain] = at as [string, string];
  if (local === '') fail('nothing before the @');
  if (domain === '') fail('nothing after the @');
  if (email.length > 254) fail(`it is ${email.length} characters long; the limit is 254`);
  if (local.length > 64)
    fail(`the part before the @ is ${local.length} characters; the limit is 64`);
  if (!LOCAL_CHAR.test(local)) fail('the part before the @ has a character addresses cannot have');
  if (local.startsWith('.') || local.endsWith('.') || local.includes('..')) {
    fail('the part before the @ has a leading, trailing or doubled dot');
  }
  const ascii = domainToASCII(domain);
  const labels = ascii.split('.');
  if (labels.length < 2) fail(`the domain ${quote(domain)} has no dot`);
  if (!ascii || ascii.length > 253 || !labels.every((l) => LABEL.test(l))) {
    fail(`the domain ${quote(domain)} is not a valid host name`);
  }
  if (/^\d+$/.test(labels.at(-1)!)) fail(`the domain ${quote(domain)} ends in a number`);
  if (/[^\x21-\x7e]/.test(local)) {
    fail(
      'the part before the @ has letters outside ASCII; mail to it needs SMTPUTF8, which Gazette does not send',
    );
  }
  const stored = `${local}@${ascii}`;
  if (!isValidAddress(stored)) fail('it is not an address Gazette can write in a mail header');
  return stored;
}

/** The form an address is stored under, for a lookup: never throws (an unknown form finds nobody). */
export function lookupEmail(raw: string): string {
  try {
    return normalizeEmail(raw);
  } catch {
    return String(raw).trim().toLowerCase();
  }
}

/** Trimmed, controls removed, runs of space made one; empty becomes null. At most 100 characters. */
export function cleanName(raw: string | null | undefined): string | null {
  if (raw == null) return null;
  // Bidi overrides and other format characters can disguise a name in a mail header.
  const name = String(raw)
    .replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (name === '') return null;
  const length = [...name].length;
  if (length > MAX_NAME_LENGTH) {
    throw new InvalidSubscriberError(
      `name ${quote(name)} is ${length} characters long; the limit is ${MAX_NAME_LENGTH}`,
      'name',
    );
  }
  return name;
}

const zoneCache = new Map<string, string | null>();

/**
 * An IANA zone name (`Europe/Paris`, `UTC`) with its canonical capitalisation; empty is null (use
 * DIGEST_TZ). Offsets such as `+02:00` are refused: they ignore summer time.
 */
export function normalizeTimeZone(raw: string | null | undefined): string | null {
  const tz = raw == null ? '' : String(raw).trim();
  if (tz === '') return null;
  let canonical = zoneCache.get(tz);
  if (canonical === undefined) {
    // Intl is slow to construct (tens of µs): an import of 100,000 rows sees few distinct zones.
    canonical =
      /^[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+)*$/.test(tz) && isTimeZone(tz)
        ? resolvedCase(tz)
        : null;
    if (zoneCache.size < 10_000) zoneCache.set(tz, canonical);
  }
  if (canonical === null) {
    throw new InvalidSubscriberError(
      `invalid time zone ${quote(tz)}: expected an IANA name such as Europe/Paris`,
      'tz',
    );
  }
  return canonical;
}

/** Fixes the capitalisation only: `US/Pacific` stays itself rather than becoming Los Angeles. */
function resolvedCase(tz: string): string {
  const resolved = new Intl.DateTimeFormat('en-US', { timeZone: tz }).resolvedOptions().timeZone;
  return resolved.toLowerCase() === tz.toLowerCase() ? resolved : tz;
}

function quote(value: string): string {
  const s = String(value);
  return JSON.stringify(s.length > 80 ? `${s.slice(0, 77)}...` : s);
}

import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * VERP (variable envelope return path): each copy's envelope sender names its edition and reader,
 * `bounces+<edition>.<subscriber>.<mac>@BOUNCE_DOMAIN`, so a bounce that comes back hours later
 * is matched to its record without reading its body. The MAC (HMAC-SHA256 with SECRET, 80 bits,
 * hex) keeps anyone from forging a bounce for another reader. Lower case only (some relays fold
 * the local part's case) and within RFC 5321's 64 octets for the ids Gazette makes (a `YYYY-MM-DD`
 * edition, a 16-hex subscriber: 56 octets).
 */

const LOCAL = 'bounces';

function mac(secret: string, edition: string, subscriber: string): string {
  return createHmac('sha256', secret)
    .update(`gazette-verp\0${edition}\0${subscriber}`)
    .digest('hex')
    .slice(0, 20);
}

const SAFE = /^[a-z0-9_-]{1,40}$/;
const HEXED = /^x(?:[0-9a-f]{2})*$/;

/** An id as a local-part label: as is when lower-case safe, else `x` + its UTF-8 in hex. */
function label(id: string): string {
  return SAFE.test(id) && !HEXED.test(id) ? id : `x${Buffer.from(id, 'utf8').toString('hex')}`;
}

function unlabel(text: string): string {
  return HEXED.test(text) ? Buffer.from(text.slice(1), 'hex').toString('utf8') : text;
}

export function verpAddress(
  editionId: string,
  subscriberId: string,
  bounceDomain: string,
  secret: string,
): string {
  const e = label(editionId);
  const s = label(subscriberId);
  return `${LOCAL}+${e}.${s}.${mac(secret, editionId, subscriberId)}@${bounceDomain}`;
}

/** The (edition, subscriber) a VERP address names, if it is one of ours and untampered. */
export function parseVerpAddress(
  address: string,
  secret: string,
): { editionId: string; subscriberId: string } | undefined {
  const m = /^bounces\+([a-z0-9_-]+)\.([a-z0-9_-]+)\.([0-9a-f]{20})@/.exec(address.toLowerCase());
  if (!m) return undefined;
  const editionId = unlabel(m[1]!);
  const subscriberId = unlabel(m[2]!);
  const given = Buffer.from(m[3]!);
  const expected = Buffer.from(mac(secret, editionId, subscriberId));
  return timingSafeEqual(given, expected) ? { editionId, subscriberId } : undefined;
}

import { createHmac, timingSafeEqual } from 'node:crypto';
import { InvalidTokenError } from '../../runtime/errors.js';

/** What a link may do; a token for one purpose never works for another. */
export type TokenPurpose = 'confirm' | 'unsubscribe' | 'preferences';

export interface TokenClaims {
  /** Subscriber id. */
  sub: string;
  purpose: TokenPurpose;
  /** Expiry, seconds since the epoch; absent for links that must keep working in old mail. */
  exp?: number;
}

const b64 = (buf: Buffer | string) => Buffer.from(buf).toString('base64url');

function mac(secret: string, payload: string): Buffer {
  return createHmac('sha256', secret).update(payload).digest();
}

/** `payload.signature`, both base64url: HMAC-SHA256 over the payload with SECRET. */
export function signToken(claims: TokenClaims, secret: string): string {
  const body: Record<string, unknown> = { s: claims.sub, p: claims.purpose };
  if (claims.exp !== undefined) body.e = claims.exp;
  const payload = b64(JSON.stringify(body));
  return `${payload}.${b64(mac(secret, payload))}`;
}

/** The claims of a genuine, unexpired token for `purpose`; else InvalidTokenError. */
export function verifyToken(
  token: unknown,
  purpose: TokenPurpose,
  secret: string,
  now: Date = new Date(),
): TokenClaims {
  if (typeof token !== 'string' || token.length > 512)
    throw new InvalidTokenError('missing or malformed token');
  const [payload, signature, extra] = token.split('.');
  if (!payload || !signature || extra !== undefined) throw new InvalidTokenError('malformed token');
  // The text, not its decoding: Node's base64url decoder ignores stray characters and the spare
  // low bits of the last one, so an altered signature could decode to the right bytes. Compared
  // in constant time; a length mismatch is already a forgery and says nothing about the MAC.
  const given = Buffer.from(signature);
  const expected = Buffer.from(b64(mac(secret, payload)));
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new InvalidTokenError('token signature does not match', 'forged');
  }
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidTokenError('malformed token');
  }
  const { s, p, e } = (body ?? {}) as { s?: unknown; p?: unknown; e?: unknown };
  if (typeof s !== 'string' || !s) throw new InvalidTokenError('malformed token');
  if (p !== purpose) throw new InvalidTokenError(`token is not for ${purpose}`, 'purpose');
  if (e !== undefined && (typeof e !== 'number' || e * 1000 <= now.getTime())) {
    throw new InvalidTokenError('token has expired', 'expired');
  }
  return { sub: s, purpose, ...(typeof e === 'number' ? { exp: e } : {}) };
}

import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/**
 * Checks an Authorization header against ADMIN_TOKEN. `Bearer <token>` for API clients; also
 * `Basic` with the token as the password, because a browser cannot add a bearer token to the
 * Bull Board page and its own requests, and does resend Basic credentials by itself. Both sides
 * are hashed first, so the comparison is constant-time and of equal length whatever was sent.
 */
export function createTokenCheck(token: string): (authorization: string | undefined) => boolean {
  const expected = digest(token);
  return (authorization) => {
    const given = credential(authorization);
    // Hash something even when nothing usable was sent: the same work on every path.
    return timingSafeEqual(digest(given ?? ''), expected) && given !== undefined;
  };
}

function credential(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const [scheme, value] = header.trim().split(/\s+/, 2);
  if (!value) return undefined;
  if (/^bearer$/i.test(scheme!)) return value;
  if (/^basic$/i.test(scheme!)) {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon < 0 ? undefined : decoded.slice(colon + 1);
  }
  return undefined;
}

/** The challenges a 401 carries: Bearer for API clients, Basic so that a browser asks. */
export const CHALLENGES = [
  'Bearer realm="gazette-admin"',
  'Basic realm="gazette-admin", charset="UTF-8"',
];

/**
 * Checks `Authorization: Basic` against one user and password (a provider's webhook credentials),
 * hashed and compared in constant time like the admin token.
 */
export function createBasicCheck(
  user: string,
  password: string,
): (authorization: string | undefined) => boolean {
  const expected = digest(`${user}:${password}`);
  return (authorization) => {
    const [scheme, value] = (authorization ?? '').trim().split(/\s+/, 2);
    const given = /^basic$/i.test(scheme ?? '') && value ? Buffer.from(value, 'base64') : undefined;
    return timingSafeEqual(digest(given?.toString('utf8') ?? ''), expected) && given !== undefined;
  };
}

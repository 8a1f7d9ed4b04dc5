import type { FastifyRequest } from 'fastify';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Why a state-changing request must be refused as cross-site, or undefined when it may go on.
 * A browser says where a request came from (`Sec-Fetch-Site`, and `Origin` on every POST); a
 * page on another site cannot forge either. Requests without them (curl, API clients) pass
 * unless they carry Basic credentials, which a browser adds by itself to any request, so only a
 * request that proves it came from our own pages may use them to change anything.
 */
export function crossSiteReason(req: FastifyRequest, siteUrl: string): string | undefined {
  if (SAFE_METHODS.has(req.method)) return undefined;
  const fetchSite = header(req, 'sec-fetch-site');
  const origin = header(req, 'origin');
  // A browser that sends Sec-Fetch-Site is believed alone: it may say `Origin: null` for our
  // own form (a no-referrer policy does that). `none`: typed by the user, which a POST never is.
  if (fetchSite !== undefined)
    return fetchSite === 'same-origin' ? undefined : `Sec-Fetch-Site is ${fetchSite}`;
  if (origin !== undefined && !ownOrigins(req, siteUrl).includes(originOf(origin)))
    return `Origin ${origin} is not this site`;
  if (
    /^\s*basic\s/i.test(header(req, 'authorization') ?? '') &&
    fetchSite === undefined &&
    origin === undefined
  )
    return 'Basic credentials on a write without Origin or Sec-Fetch-Site';
  return undefined;
}

/** SITE_URL's origin, and the one the request was addressed to (a second name, a proxy). */
function ownOrigins(req: FastifyRequest, siteUrl: string): string[] {
  const own = [new URL(siteUrl).origin];
  try {
    own.push(new URL(`${req.protocol}://${req.host}`).origin);
  } catch {
    // A Host header that is no host: SITE_URL alone.
  }
  return own;
}

/** `https://a.example:443` and `https://a.example` are one origin; `null` stays itself. */
function originOf(value: string): string {
  try {
    return new URL(value).origin;
  } catch {
    return value;
  }
}

function header(req: FastifyRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

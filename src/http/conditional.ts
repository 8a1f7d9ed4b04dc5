import type { FastifyRequest } from 'fastify';

/** What a conditional GET is compared with. */
export interface Validators {
  /** Strong entity tag, quotes included: `"…"`. */
  etag: string;
  /** Whole seconds (HTTP dates have no finer grain); absent when the resource has no date. */
  lastModified?: Date;
}

/**
 * RFC 9110 §13.2.2 for GET and HEAD: If-None-Match decides when present (weak comparison, `*`
 * matches anything) and If-Modified-Since is then ignored; otherwise an If-Modified-Since at or
 * after Last-Modified means unchanged. An unparseable date is ignored, as the RFC asks.
 */
export function notModified(req: FastifyRequest, v: Validators): boolean {
  const inm = req.headers['if-none-match'];
  if (inm !== undefined) {
    // What a feed reader sends back is the tag it was given: one comparison, no parsing.
    if (inm === v.etag) return true;
    const opaque = v.etag.replace(/^W\//, '');
    return String(inm)
      .split(',')
      .map((t) => t.trim())
      .some((t) => t === '*' || t.replace(/^W\//, '') === opaque);
  }
  const ims = req.headers['if-modified-since'];
  if (ims === undefined || !v.lastModified) return false;
  const since = Date.parse(String(ims));
  return !Number.isNaN(since) && v.lastModified.getTime() <= since;
}

/** A date cut to whole seconds, so that the header it becomes compares equal to it. */
export function wholeSeconds(ms: number): Date {
  return new Date(Math.floor(ms / 1000) * 1000);
}

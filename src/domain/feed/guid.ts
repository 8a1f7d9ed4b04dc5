import { createHash } from 'node:crypto';

// Gazette's own UUID namespace (generated once, never to change): guids depend on nothing but
// the article id, so a new SITE_URL or a moved article never makes readers see it twice.
const NAMESPACE = Buffer.from('45d081df-0288-4814-99de-ada72ffd18e4'.replace(/[\s-]/g, ''), 'hex');

/** `urn:uuid:` + a name-based (v5, RFC 9562) UUID of the article id; isPermaLink="false". */
export function articleGuid(articleId: string): string {
  const hash = createHash('sha1').update(NAMESPACE).update(`article:${articleId}`, 'utf8').digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `urn:uuid:${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

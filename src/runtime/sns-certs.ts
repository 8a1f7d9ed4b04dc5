import { X509Certificate } from 'node:crypto';

/** GETs a URL and answers its body; throws on anything but a 2xx. */
export type FetchText = (url: string) => Promise<string>;

/** Where SNS serves its signing certificates and confirmation links: `sns.<region>.amazonaws.com`. */
export const SNS_HOST = /^sns\.[a-z0-9-]+\.amazonaws\.com(?:\.cn)?$/;

/** An SNS URL we may fetch: https, on a host the pattern allows, nothing else. */
export function isSnsUrl(value: string, hostPattern: RegExp = SNS_HOST): boolean {
  try {
    const u = new URL(value);
    return u.protocol === 'https:' && hostPattern.test(u.hostname) && !u.username && !u.password;
  } catch {
    return false;
  }
}

/** Node's fetch, short: no redirect (it could lead off SNS's hosts), 5 s, 64 KiB. */
export const fetchText: FetchText = async (url) => {
  const res = await fetch(url, { redirect: 'error', signal: AbortSignal.timeout(5_000) });
  if (!res.ok) throw new Error(`GET ${new URL(url).host} answered ${res.status}`);
  const text = await res.text();
  if (text.length > 64 * 1024) throw new Error(`GET ${new URL(url).host}: answer too large`);
  return text;
};

const MAX_CERTS = 32;

/**
 * SNS signing certificates by URL, fetched once: SNS signs every message with the same few, so
 * a burst of bounces costs one fetch. A failed fetch is not kept; the next message tries again.
 */
export function createSnsCertCache(fetcher: FetchText = fetchText) {
  const certs = new Map<string, Promise<X509Certificate>>();
  return {
    get(url: string): Promise<X509Certificate> {
      let cert = certs.get(url);
      if (!cert) {
        if (certs.size >= MAX_CERTS) certs.clear();
        cert = fetcher(url).then((pem) => new X509Certificate(pem));
        certs.set(url, cert);
        cert.catch(() => certs.delete(url));
      }
      return cert;
    },
  };
}

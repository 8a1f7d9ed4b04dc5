import { createHash } from 'node:crypto';
import { cleanLine } from '../hygiene.js';

/** `<32 hex>.<edition>@<domain>`: the same for the same (edition, subscriber), so a duplicate sent across a crash can be recognised. */
export function messageIdFor(editionId: string, subscriberId: string, domain: string): string {
  const hash = createHash('sha256')
    .update(`${editionId}:${subscriberId}`)
    .digest('hex')
    .slice(0, 32);
  return `<${hash}.${editionId.replace(/[^A-Za-z0-9._-]/g, '')}@${domain}>`;
}

export function listIdFor(siteName: string, domain: string): string {
  const label =
    cleanLine(siteName)
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'digest';
  return `${label}.${domain}`;
}

/** The edition a Message-ID of ours names (`messageIdFor`'s form); undefined for anyone else's. */
export function editionOfMessageId(messageId: string | undefined): string | undefined {
  return messageId ? /^<?[0-9a-f]{32}\.([^@]+)@/.exec(messageId.trim())?.[1] : undefined;
}

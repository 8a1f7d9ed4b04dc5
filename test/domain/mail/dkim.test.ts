import { createHash, generateKeyPairSync } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeEdition } from '../../../src/domain/edition/edition.js';
import {
  prepareEditionMessage,
  recipientLinks,
  renderRaw,
  renderRawAsync,
  type Recipient,
} from '../../../src/domain/mail/compose.js';
import { relaxedBody, relaxedHeader } from '../../../src/domain/mail/dkim.js';
import { renderEdition, type RenderedEdition } from '../../../src/domain/render/render.js';
import type { DkimKey } from '../../../src/runtime/dkim-keys.js';
import { CONFIG, seedArticle, wireArticles } from '../../helpers/render.js';

const DATE = new Date('2026-02-10T07:00:05Z');
const KEYS: DkimKey[] = [
  {
    algorithm: 'rsa-sha256',
    domain: 'example.com',
    selector: 's1',
    privateKey: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey,
  },
  {
    algorithm: 'ed25519-sha256',
    domain: 'example.com',
    selector: 's2',
    privateKey: generateKeyPairSync('ed25519').privateKey,
  },
];
const recipient = (id: string, name?: string): Recipient => ({
  subscriberId: id,
  email: `${id}@example.com`,
  name: name ?? null,
  ...recipientLinks(CONFIG, id),
});

/** The bh= of each signature, and the hash of the whole body canonicalised in one go. */
function bodyHashes(raw: Buffer): { bh: string[]; whole: string } {
  const s = raw.toString('latin1');
  const split = s.indexOf('\r\n\r\n');
  const bh = [...s.slice(0, split).matchAll(/bh=([^;]+);/g)].map((m) => m[1]!);
  const whole = createHash('sha256')
    .update(relaxedBody(Buffer.from(s.slice(split + 4), 'latin1')))
    .digest('base64');
  return { bh, whole };
}

describe('DKIM signing of spliced copies', () => {
  let rendered: RenderedEdition;
  beforeAll(async () => {
    const edition = makeEdition([seedArticle(), ...wireArticles(3)], {
      id: '2026-02-10',
      date: DATE,
    });
    rendered = await renderEdition(edition, CONFIG);
  });

  it('relaxed canonicalisation (RFC 6376 §3.4.5 examples)', () => {
    expect(relaxedHeader('A: X\r\n')).toBe('a:X');
    expect(relaxedHeader('B : Y\t\r\n\tZ  \r\n')).toBe('b:Y Z');
    expect(relaxedBody(Buffer.from(' C \r\nD \t E\r\n\r\n\r\n')).toString()).toBe(' C\r\nD E\r\n');
    expect(relaxedBody(Buffer.from('')).toString()).toBe('');
  });

  it('the body hash, from pieces canonicalised once per edition, is that of the whole body', () => {
    const prepared = prepareEditionMessage(rendered, {
      from: CONFIG.mailFrom,
      siteName: CONFIG.siteName,
      dkim: KEYS,
    });
    for (const r of [
      recipient('a'),
      recipient('b', '  Spaced   Name  '),
      recipient('c', 'Émile\t'),
    ]) {
      const raw = renderRaw(prepared, r, DATE);
      const { bh, whole } = bodyHashes(raw);
      expect(bh).toEqual([whole, whole]);
    }
  });

  it('signing on the thread pool gives the same bytes as signing in line', async () => {
    const prepared = prepareEditionMessage(rendered, {
      from: CONFIG.mailFrom,
      siteName: CONFIG.siteName,
      dkim: KEYS,
    });
    const r = recipient('d', 'Async Reader');
    // RSA PKCS#1 v1.5 and Ed25519 signatures are deterministic: equal data, equal signature.
    expect((await renderRawAsync(prepared, r, DATE)).equals(renderRaw(prepared, r, DATE))).toBe(
      true,
    );
  });
});

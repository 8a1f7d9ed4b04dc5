import { createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/runtime/config.js';
import { dnsRecord, loadDkimKeys } from '../../src/runtime/dkim-keys.js';
import { ConfigError } from '../../src/runtime/errors.js';

let dir: string;
const file = (name: string) => join(dir, name);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gazette-dkim-keys-'));
  const pem = (k: { export(o: object): string | Buffer }) =>
    k.export({ type: 'pkcs8', format: 'pem' });
  await writeFile(
    file('rsa.pem'),
    pem(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey),
  );
  await writeFile(
    file('small.pem'),
    pem(generateKeyPairSync('rsa', { modulusLength: 512 }).privateKey),
  );
  await writeFile(file('ed.pem'), pem(generateKeyPairSync('ed25519').privateKey));
  await writeFile(file('junk.pem'), 'not a key\n');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const env = (extra: Record<string, string>) =>
  loadConfig({ MAIL_FROM: 'Gazette <digest@mail.news.example>', ...extra });

const problems = (f: () => unknown): string[] => {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('no ConfigError');
};

describe('DKIM configuration', () => {
  it('no DKIM_DOMAIN: no keys', () => {
    expect(loadDkimKeys(env({}).dkim)).toEqual([]);
  });

  it('incomplete or misaligned settings are named at load', () => {
    expect(problems(() => env({ DKIM_DOMAIN: 'news.example' }))).toEqual([
      expect.stringMatching(/^DKIM_DOMAIN=.*needs DKIM_SELECTOR/),
    ]);
    expect(problems(() => env({ DKIM_DOMAIN: 'news.example', DKIM_SELECTOR: 's1' }))).toEqual([
      expect.stringMatching(/^DKIM_PRIVATE_KEY_FILE: is required with DKIM_SELECTOR/),
    ]);
    expect(
      problems(() =>
        env({ DKIM_DOMAIN: 'other.example', DKIM_SELECTOR: 's1', DKIM_PRIVATE_KEY_FILE: 'x' }),
      ),
    ).toEqual([expect.stringMatching(/^DKIM_DOMAIN=.*DMARC fails/)]);
  });

  it('a missing, unreadable, wrong-type or short key file is a ConfigError naming the variable', () => {
    const load = (rsa: string, ed: string) =>
      loadDkimKeys(
        env({
          DKIM_DOMAIN: 'news.example',
          DKIM_SELECTOR: 's1',
          DKIM_PRIVATE_KEY_FILE: rsa,
          DKIM_ED25519_SELECTOR: 's2',
          DKIM_ED25519_KEY_FILE: ed,
        }).dkim,
      );
    expect(problems(() => load(file('none.pem'), file('junk.pem')))).toEqual([
      expect.stringMatching(/^DKIM_PRIVATE_KEY_FILE=.*cannot read the file \(ENOENT\)/),
      expect.stringMatching(/^DKIM_ED25519_KEY_FILE=.*is not a PEM private key/),
    ]);
    expect(problems(() => load(file('ed.pem'), file('rsa.pem')))).toEqual([
      expect.stringMatching(/^DKIM_PRIVATE_KEY_FILE=.*is an ed25519 key, not rsa/),
      expect.stringMatching(/^DKIM_ED25519_KEY_FILE=.*is an rsa key, not ed25519/),
    ]);
    expect(problems(() => load(file('small.pem'), file('ed.pem')))).toEqual([
      expect.stringMatching(/under 1024 bits/),
    ]);
    expect(load(file('rsa.pem'), file('ed.pem')).map((k) => k.algorithm)).toEqual([
      'rsa-sha256',
      'ed25519-sha256',
    ]);
  });

  it('the DNS records: RSA p= is SubjectPublicKeyInfo, Ed25519 p= the raw 32 bytes; strings ≤ 255', () => {
    const [rsa, ed] = loadDkimKeys(
      env({
        DKIM_DOMAIN: 'news.example',
        DKIM_SELECTOR: 's1',
        DKIM_PRIVATE_KEY_FILE: file('rsa.pem'),
        DKIM_ED25519_SELECTOR: 's2',
        DKIM_ED25519_KEY_FILE: file('ed.pem'),
      }).dkim,
    );
    const r = dnsRecord(rsa!);
    expect(r.name).toBe('s1._domainkey.news.example');
    expect(r.value).toMatch(/^v=DKIM1; k=rsa; p=[A-Za-z0-9+/=]{390,}$/);
    for (const s of r.zone.match(/"[^"]*"/g)!) expect(s.length - 2).toBeLessThanOrEqual(255);
    const e = dnsRecord(ed!);
    const p = Buffer.from(/p=(.+)$/.exec(e.value)![1]!, 'base64');
    expect(p).toHaveLength(32);
    // The raw key verifies what the private key signs.
    const pub = createPublicKey({
      key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), p]),
      format: 'der',
      type: 'spki',
    });
    expect(verify(null, Buffer.from('x'), pub, sign(null, Buffer.from('x'), ed!.privateKey))).toBe(
      true,
    );
  });
});

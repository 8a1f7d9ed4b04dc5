import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ConfigError } from './errors.js';

/** One key a copy is signed with: `d=`, `s=` and the algorithm its type implies. */
export interface DkimKey {
  readonly algorithm: 'rsa-sha256' | 'ed25519-sha256';
  readonly domain: string;
  readonly selector: string;
  readonly privateKey: KeyObject;
}

export interface DkimSettings {
  readonly domain: string;
  readonly rsa?: { readonly selector: string; readonly keyFile: string };
  readonly ed25519?: { readonly selector: string; readonly keyFile: string };
}

/**
 * The configured keys, read and checked once at start: a missing file, a file that is not a PEM
 * private key, a key of the wrong type or an RSA key under 1024 bits is a ConfigError naming the
 * variable, not a failure on the first copy.
 */
export function loadDkimKeys(settings: DkimSettings | undefined): DkimKey[] {
  if (!settings) return [];
  const problems: string[] = [];
  const keys: DkimKey[] = [];
  const read = (variable: string, file: string, type: 'rsa' | 'ed25519'): KeyObject | undefined => {
    let key: KeyObject;
    try {
      key = createPrivateKey(readFileSync(file));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      problems.push(
        `${variable}=${JSON.stringify(file)}: ${
          code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR'
            ? `cannot read the file (${code})`
            : 'is not a PEM private key (e.g. openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048)'
        }`,
      );
      return undefined;
    }
    if (key.asymmetricKeyType !== type) {
      problems.push(
        `${variable}=${JSON.stringify(file)}: is an ${key.asymmetricKeyType ?? 'unknown'} key, not ${type}`,
      );
      return undefined;
    }
    const bits = key.asymmetricKeyDetails?.modulusLength;
    if (type === 'rsa' && (bits === undefined || bits < 1024)) {
      problems.push(
        `${variable}=${JSON.stringify(file)}: RSA keys under 1024 bits are refused by receivers (2048 recommended)`,
      );
      return undefined;
    }
    return key;
  };
  if (settings.rsa) {
    const key = read('DKIM_PRIVATE_KEY_FILE', settings.rsa.keyFile, 'rsa');
    if (key)
      keys.push({
        algorithm: 'rsa-sha256',
        domain: settings.domain,
        selector: settings.rsa.selector,
        privateKey: key,
      });
  }
  if (settings.ed25519) {
    const key = read('DKIM_ED25519_KEY_FILE', settings.ed25519.keyFile, 'ed25519');
    if (key)
      keys.push({
        algorithm: 'ed25519-sha256',
        domain: settings.domain,
        selector: settings.ed25519.selector,
        privateKey: key,
      });
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return keys;
}

/**
 * The TXT record to publish for a key (RFC 6376 §3.6.1; RFC 8463 §4 for Ed25519, whose `p=` is
 * the raw 32-byte public key, not SubjectPublicKeyInfo). The value is cut into strings of at most
 * 255 characters, as a TXT record's strings must be.
 */
export function dnsRecord(key: DkimKey): { name: string; value: string; zone: string } {
  const pub = createPublicKey(key.privateKey);
  const der = pub.export({ type: 'spki', format: 'der' });
  const p =
    key.algorithm === 'ed25519-sha256'
      ? der.subarray(der.length - 32).toString('base64')
      : der.toString('base64');
  const value = `v=DKIM1; k=${key.algorithm === 'ed25519-sha256' ? 'ed25519' : 'rsa'}; p=${p}`;
  const name = `${key.selector}._domainkey.${key.domain}`;
  const strings = value.match(/.{1,255}/g) ?? [];
  return { name, value, zone: `${name}. IN TXT ( ${strings.map((s) => `"${s}"`).join(' ')} )` };
}

import { createHash, sign, type Hash } from 'node:crypto';
import type { DkimKey } from '../../runtime/dkim-keys.js';

/**
 * DKIM (RFC 6376, c=relaxed/relaxed, no l=) for the spliced copies of compose.ts, with the keys
 * of runtime/dkim-keys.ts: RSA-SHA256 and Ed25519-SHA256 (RFC 8463), one signature each.
 *
 * Why not nodemailer's DKIM or mailauth's dkimSign: both take a finished message as a stream,
 * split its headers, canonicalise and hash the whole body again for every copy. Here the body is
 * made of an edition's shared pieces and a reader's few values, so what can be done once is done
 * once per edition: every shared piece is canonicalised once, and the SHA-256 state over the body
 * up to the first reader's value is kept and copied. The rest of the body must be hashed per copy
 * (SHA-256 is sequential: nothing after the first reader's byte can be reused), as must the
 * header hash and the signature itself. The verifier in the tests (python3-dkim) is independent.
 */

const WSP_RUN = /[ \t]+/g;
const WSP_EOL = / \r\n/g;

/** Relaxed body canonicalisation of one piece, without the end-of-body rule (RFC 6376 §3.4.4). */
function relaxedPiece(piece: string): string {
  return piece.replace(WSP_RUN, ' ').replace(WSP_EOL, '\r\n');
}

/** The whole body, relaxed: each piece's rule, trailing empty lines dropped, one CRLF at the end. */
export function relaxedBody(body: Buffer): Buffer {
  let s = relaxedPiece(body.toString('latin1'));
  if (s.endsWith(' ')) s = s.slice(0, -1);
  s = s.replace(/(?:\r\n)+$/, '');
  return Buffer.from(s === '' ? '' : `${s}\r\n`, 'latin1');
}

/**
 * A piece canonicalises the same alone as in any message when it cannot join a neighbour's
 * whitespace run or line end: it neither starts nor ends with a space or tab, nor ends with CR.
 */
function isolated(piece: Buffer): boolean {
  if (piece.length === 0) return true;
  const first = piece[0]!;
  const last = piece[piece.length - 1]!;
  return first !== 0x20 && first !== 0x09 && last !== 0x20 && last !== 0x09 && last !== 0x0d;
}

/** `name:value` (RFC 6376 §3.4.2): name lower-cased, unfolded, whitespace runs to one space, trimmed. */
export function relaxedHeader(line: string): string {
  const colon = line.indexOf(':');
  const name = line.slice(0, colon).trimEnd().toLowerCase();
  const value = line
    .slice(colon + 1)
    .replace(/\r\n/g, '')
    .replace(WSP_RUN, ' ')
    .trim();
  return `${name}:${value}`;
}

/** Headers signed when present, in this order; Feedback-ID only when the copy carries one. */
const SIGNED = [
  'from',
  'to',
  'subject',
  'date',
  'message-id',
  'mime-version',
  'content-type',
  'list-id',
  'list-unsubscribe',
  'list-unsubscribe-post',
  'feedback-id',
] as const;
/**
 * Named once more than they occur (RFC 6376 §8.15): a relay or an attacker adding a second From,
 * Subject or unsubscribe header then breaks the signature instead of riding on it.
 */
const OVERSIGNED = ['from', 'subject', 'list-unsubscribe', 'list-unsubscribe-post'];

/** One copy's body as the splicer laid it out: shared pieces and the reader's values, in order. */
interface BodyPieces {
  /** The pieces before the first reader's value: hashed once. */
  readonly prefix: readonly Buffer[];
  /** The rest, shared pieces (the same Buffer objects every copy) and values alternating. */
  readonly rest: readonly Buffer[];
}

export interface DkimSigner {
  /** The DKIM-Signature header lines (CRLF-terminated) to put on top of one copy. */
  sign(headerLines: readonly string[], body: BodyPieces, date: Date): string;
  /** The same, the RSA and Ed25519 work done on libuv's thread pool (crypto.sign's callback). */
  signAsync(headerLines: readonly string[], body: BodyPieces, date: Date): Promise<string>;
}

/**
 * Once per edition: the keys, and the shared pieces canonicalised (`shared`: every piece that is
 * the same Buffer in every copy). With no key, undefined: nothing is signed.
 */
export function createDkimSigner(
  keys: readonly DkimKey[],
  prefix: readonly Buffer[],
  shared: readonly Buffer[],
): DkimSigner | undefined {
  if (keys.length === 0) return undefined;
  const canon = new Map<Buffer, Buffer>();
  let piecewise = true;
  for (const piece of [...prefix, ...shared]) {
    if (!isolated(piece)) piecewise = false;
    canon.set(piece, Buffer.from(relaxedPiece(piece.toString('latin1')), 'latin1'));
  }
  const prefixHash = createHash('sha256');
  for (const piece of prefix) prefixHash.update(canon.get(piece)!);

  const bodyHash = (body: BodyPieces): string => {
    const last = body.rest[body.rest.length - 1] ?? prefix[prefix.length - 1];
    const closed = last !== undefined && canon.has(last) && /\S\r\n$/.test(last.toString('latin1'));
    if (piecewise && closed && body.rest.every(isolated)) {
      const h: Hash = prefixHash.copy();
      for (const piece of body.rest) {
        h.update(canon.get(piece) ?? Buffer.from(relaxedPiece(piece.toString('latin1')), 'latin1'));
      }
      return h.digest('base64');
    }
    // A value with whitespace at an edge, or a body not ending in a line of text: the whole body.
    const whole = relaxedBody(Buffer.concat([...body.prefix, ...body.rest]));
    return createHash('sha256').update(whole).digest('base64');
  };

  /** Each key's header up to `b=`, and the bytes its signature covers. */
  const unsigned = (headerLines: readonly string[], body: BodyPieces, date: Date) => {
    const byName = new Map<string, string>();
    for (const line of headerLines) {
      const canonical = relaxedHeader(line);
      byName.set(canonical.slice(0, canonical.indexOf(':')), canonical);
    }
    const names = SIGNED.filter((n) => byName.has(n));
    const h = [...names, ...OVERSIGNED.filter((n) => byName.has(n))].join(':');
    const signedData = names.map((n) => `${byName.get(n)}\r\n`).join('');
    const bh = bodyHash(body);
    const t = Math.floor(date.getTime() / 1000);
    return keys.map((key) => {
      const head =
        `DKIM-Signature: v=1; a=${key.algorithm}; c=relaxed/relaxed; d=${key.domain};\r\n` +
        ` s=${key.selector}; t=${t};\r\n` +
        foldList(' h=', h) +
        ` bh=${bh};\r\n b=`;
      const data = Buffer.from(signedData + relaxedHeader(head), 'latin1');
      // Ed25519 signs the SHA-256 of the data (RFC 8463 §3), RSA the data with SHA-256.
      return key.algorithm === 'rsa-sha256'
        ? { key, head, digest: 'sha256', data }
        : { key, head, digest: null, data: createHash('sha256').update(data).digest() };
    });
  };
  const header = (head: string, b: Buffer) => `${head}${foldBase64(b.toString('base64'))}\r\n`;

  return {
    sign(headerLines, body, date) {
      return unsigned(headerLines, body, date)
        .map((u) => header(u.head, sign(u.digest, u.data, u.key.privateKey)))
        .join('');
    },
    async signAsync(headerLines, body, date) {
      const parts = await Promise.all(
        unsigned(headerLines, body, date).map(
          (u) =>
            new Promise<string>((resolve, reject) =>
              sign(u.digest, u.data, u.key.privateKey, (err, b) =>
                err ? reject(err) : resolve(header(u.head, b)),
              ),
            ),
        ),
      );
      return parts.join('');
    },
  };
}

/** `h=a:b:…;` folded after a colon before 78 columns. */
function foldList(lead: string, list: string): string {
  let out = '';
  let line = lead;
  for (const [i, name] of list.split(':').entries()) {
    const word = i === 0 ? name : `:${name}`;
    if (line.length + word.length > 76) {
      out += `${line}\r\n`;
      line = '  ';
    }
    line += word;
  }
  return `${out}${line};\r\n`;
}

/** The signature in lines of 72 (folding whitespace inside b= is ignored by verifiers). */
function foldBase64(b64: string): string {
  return (b64.match(/.{1,72}/g) ?? []).join('\r\n  ');
}

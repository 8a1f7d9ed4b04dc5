import { InvalidArticleError } from '../../runtime/errors.js';
import { normalizeNewlines } from './text.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Article bytes as text: UTF-8 only, without a byte-order mark, with `\n` newlines. */
export function decodeArticle(bytes: Uint8Array, file: string): string {
  const nul = bytes.indexOf(0);
  if (nul >= 0) {
    throw new InvalidArticleError(
      file,
      `binary data (a NUL byte at offset ${nul}): expected UTF-8 text`,
      lineAt(bytes, nul),
    );
  }
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    const at = firstInvalidUtf8(bytes);
    throw new InvalidArticleError(
      file,
      `not valid UTF-8 text: byte 0x${bytes[at]!.toString(16).toUpperCase().padStart(2, '0')} at offset ${at} ` +
        '(saved as Windows-1252 or Latin-1? save it as UTF-8)',
      lineAt(bytes, at),
    );
  }
  // One kind of newline before anything else, so that front matter in CRLF files is found and
  // line numbers in messages count what an editor shows.
  return normalizeNewlines(text.replace(/^\ufeff/, ''));
}

function lineAt(bytes: Uint8Array, offset: number): number {
  let line = 1;
  for (let k = 0; k < offset; k++) if (bytes[k] === 0x0a) line++;
  return line;
}

/** Offset of the first byte that does not belong to a well-formed UTF-8 sequence. */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let k = 0;
  while (k < bytes.length) {
    const b = bytes[k]!;
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b < 0x80) need = 0;
    else if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      // No overlong forms (E0 80..9F) and no surrogates (ED A0..BF).
      if (b === 0xe0) lo = 0xa0;
      if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lo = 0x90;
      if (b === 0xf4) hi = 0x8f;
    } else return k;
    for (let j = 1; j <= need; j++) {
      const c = bytes[k + j];
      const [min, max] = j === 1 ? [lo, hi] : [0x80, 0xbf];
      if (c === undefined || c < min || c > max) return k;
    }
    k += need + 1;
  }
  return bytes.length;
}

import { InvalidArticleError } from '../../../runtime/errors.js';

/**
 * A saved page's bytes as text. The page says its own encoding: a byte-order mark first, then a
 * `<meta charset>` or `<meta http-equiv="Content-Type" content="…; charset=…">` near the top (the
 * WHATWG prescan; we look a little further than its 1024 bytes, since saved pages often put
 * comments or scripts first). With neither, valid UTF-8 is UTF-8 and anything else is
 * Windows-1252, as browsers default for Western pages. Node's TextDecoder (full ICU) knows the
 * WHATWG labels: Shift_JIS, EUC-KR, GBK, Big5, KOI8-R, the ISO-8859 and Windows code pages.
 */
const PRESCAN_BYTES = 8192;

const BOMS: [number[], string][] = [
  [[0xef, 0xbb, 0xbf], 'utf-8'],
  [[0xfe, 0xff], 'utf-16be'],
  [[0xff, 0xfe], 'utf-16le'],
];

export interface Decoded {
  text: string;
  /** The encoding used, by its WHATWG name (`utf-8`, `shift_jis`, …). */
  encoding: string;
}

export function decodePage(bytes: Uint8Array, file: string): Decoded {
  for (const [bom, label] of BOMS) {
    if (bom.every((b, k) => bytes[k] === b)) {
      return {
        text: decodeWith(decoder(label, file), bytes.subarray(bom.length)),
        encoding: label,
      };
    }
  }
  const declared = declaredCharset(bytes);
  if (declared) {
    // A page cannot be in UTF-16 if its declaration was readable as ASCII: browsers read it as UTF-8.
    const label = /^utf-16/i.test(declared) ? 'utf-8' : declared;
    const dec = decoder(label, file);
    return { text: decodeWith(dec, bytes), encoding: dec.encoding };
  }
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' };
  } catch {
    return { text: decodeWith(new TextDecoder('windows-1252'), bytes), encoding: 'windows-1252' };
  }
}

// Node 20's TextDecoder reads `windows-1252` (and the labels WHATWG maps to it: latin1,
// iso-8859-1, ascii) as ISO-8859-1, so bytes 0x80–0x9F come out as C1 controls instead of the
// curly quotes, dashes and euro sign those pages mean. windows-1250 and the rest are right.
const CP1252_C1 = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';

function decodeWith(dec: TextDecoder, bytes: Uint8Array): string {
  const text = dec.decode(bytes);
  if (dec.encoding !== 'windows-1252') return text;
  return text.replace(/[\u0080-\u009f]/g, (c) => CP1252_C1[c.charCodeAt(0) - 0x80]!);
}

function decoder(label: string, file: string): TextDecoder {
  try {
    return new TextDecoder(label);
  } catch {
    throw new InvalidArticleError(
      file,
      `the page declares charset "${label}", which is not an encoding this decoder knows ` +
        '(expected a WHATWG label such as utf-8, windows-1252, shift_jis, euc-kr)',
    );
  }
}

const META = /<meta\b[^>]*>/gi;
const CHARSET_ATTR = /\bcharset\s*=\s*["']?\s*([\w.:-]+)/i;

/** The charset a `<meta>` near the top declares, read from the bytes as ASCII. */
function declaredCharset(bytes: Uint8Array): string | undefined {
  const head = Buffer.from(bytes.subarray(0, PRESCAN_BYTES)).toString('latin1');
  for (const [tag] of head.matchAll(META)) {
    // `<meta charset=x>` and `<meta http-equiv=Content-Type content="text/html; charset=x">`
    // both put `charset=` inside the tag.
    const m = CHARSET_ATTR.exec(tag);
    if (m) return m[1]!.toLowerCase();
  }
  return undefined;
}

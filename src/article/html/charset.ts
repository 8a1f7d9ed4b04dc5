import { InvalidArticleError } from '../../errors.js';

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
      return { text: decoder(label, file).decode(bytes.subarray(bom.length)), encoding: label };
    }
  }
  const declared = declaredCharset(bytes);
  if (declared) {
    // A page cannot be in UTF-16 if its declaration was readable as ASCII: browsers read it as UTF-8.
    const label = /^utf-16/i.test(declared) ? 'utf-8' : declared;
    const dec = decoder(label, file);
    return { text: dec.decode(bytes), encoding: dec.encoding };
  }
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' };
  } catch {
    return { text: new TextDecoder('windows-1252').decode(bytes), encoding: 'windows-1252' };
  }
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
export function declaredCharset(bytes: Uint8Array): string | undefined {
  const head = Buffer.from(bytes.subarray(0, PRESCAN_BYTES)).toString('latin1');
  for (const [tag] of head.matchAll(META)) {
    // `<meta charset=x>` and `<meta http-equiv=Content-Type content="text/html; charset=x">`
    // both put `charset=` inside the tag.
    const m = CHARSET_ATTR.exec(tag);
    if (m) return m[1]!.toLowerCase();
  }
  return undefined;
}

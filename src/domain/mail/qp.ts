/**
 * Quoted-printable (RFC 2045 §6.7) in chunks that can be concatenated: every chunk starts and
 * ends at column 0, an unfinished last line being closed by a soft line break (`=\r\n`). So a
 * placeholder never straddles an encoded line, the static parts of an edition are encoded once,
 * and each recipient's few values are encoded on their own. No line starts with '.', and every
 * line ends in CRLF: the chunks are data-safe for SMTP (data-safe.ts) with no stuffing.
 */

const HEX = Buffer.from('0123456789ABCDEF', 'latin1');
/** Characters of a line before the soft break's `=`: 75 + 1 = RFC 2045's 76. */
const MAX_LINE = 75;
const EQ = 0x3d;
const DOT = 0x2e;
const CR = 0x0d;
const LF = 0x0a;

function isLiteral(b: number): boolean {
  return (b >= 0x21 && b <= 0x7e && b !== EQ) || b === 0x20 || b === 0x09;
}

/** Bytes in the UTF-8 sequence a lead byte opens (1 for anything else). */
function sequenceLength(b: number): number {
  if (b >= 0xf0 && b <= 0xf4) return 4;
  if (b >= 0xe0) return 3;
  if (b >= 0xc2) return 2;
  return 1;
}

/** Line breaks in `text` (LF, CRLF or CR) become CRLF hard breaks: the canonical form. */
export function encodeQpChunk(text: string): Buffer {
  const bytes = Buffer.from(text.replace(/\r\n?/g, '\n'), 'utf8');
  // At most 3 characters a byte, plus soft breaks (lines of 64+ characters): under 4 a byte.
  const out = Buffer.allocUnsafe(bytes.length * 4 + 3);
  let pos = 0;
  let col = 0;
  let i = 0;
  const softBreak = () => {
    out[pos++] = EQ;
    out[pos++] = CR;
    out[pos++] = LF;
    col = 0;
  };
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b === LF) {
      out[pos++] = CR;
      out[pos++] = LF;
      col = 0;
      i++;
      continue;
    }
    // Whitespace before a hard break would be stripped in transit: encode it.
    let literal = isLiteral(b) && !((b === 0x20 || b === 0x09) && bytes[i + 1] === LF);
    // A UTF-8 character's escapes stay on one line, for clients that decode line by line.
    let n = literal ? 1 : Math.min(sequenceLength(b), bytes.length - i);
    let width = literal ? 1 : 3 * n;
    if (col + width > MAX_LINE) softBreak();
    // A dot opening a line would need SMTP's dot-stuffing on every copy: `=2E` makes the
    // message data-safe as it is encoded (RFC 2049 §3 (8) advises the same).
    if (literal && b === DOT && col === 0) {
      literal = false;
      n = 1;
      width = 3;
    }
    if (literal) {
      out[pos++] = b;
    } else {
      for (let k = 0; k < n; k++) {
        const c = bytes[i + k]!;
        out[pos++] = EQ;
        out[pos++] = HEX[c >> 4]!;
        out[pos++] = HEX[c & 15]!;
      }
    }
    col += width;
    i += n;
  }
  if (col > 0) softBreak();
  return out.subarray(0, pos);
}

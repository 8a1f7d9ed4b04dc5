/** Small text rules shared by the wire-copy and Markdown parsers. */

// U+00A0, U+2007, U+202F (no-break spaces) and other Unicode spaces read as a plain space.
const SPACES = /[\u00a0\u1680\u2000-\u200a\u2007\u202f\u205f\u3000\t\f\v]/g;
// C0/C1 controls (but \n), invisible soft hyphens, zero-width spaces and word joiners (scraped
// HTML is full of them, and they would hide a dateline from its pattern), the noncharacters.
// eslint-disable-next-line no-control-regex
const JUNK = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u00ad\u200b\u2060\ufeff\ufffe\uffff]/g;

/**
 * One physical line of input, as prose: plain spaces, no control characters, no runs of blanks.
 * (Output has its own rule, `cleanLine` in domain/hygiene.ts, which every renderer applies.)
 */
export function normalizeLine(line: string): string {
  return line.replace(SPACES, ' ').replace(JUNK, '').replace(/ {2,}/g, ' ').trim();
}

/** Whole-text normalisation: one kind of newline, so that line numbers mean what an editor shows. */
export function normalizeNewlines(text: string): string {
  return text.replace(/\r\n?|\u2028|\u2029/g, '\n');
}

/** The line that heads the story highlights, in wire copy or Markdown. */
export const HIGHLIGHTS = /^(?:story )?highlights:?$/i;

const CLOSERS = /["'”’»)\]]+$/u;

/** True when the line ends a sentence or a clause (`.`, `!`, `?`, `…`, `:`, `;`, `,`), quotes aside. */
function endsWithPunctuation(line: string): boolean {
  return /[.!?…:;,]$/.test(line.replace(CLOSERS, ''));
}

export function wordCount(s: string): number {
  return s.split(/\s+/).filter(Boolean).length;
}

/**
 * A subheading of wire copy: a short line, capitalised, with no closing punctuation.
 * Lines that end in a quote mark are pull quotes, not headings.
 */
export function isHeadingLike(line: string): boolean {
  if (line.length < 2 || line.length > 100 || wordCount(line) > 14) return false;
  if (!/^[\p{Lu}\p{N}“"‘'¿¡]/u.test(line)) return false;
  if (/["'”’»]$/u.test(line)) return false;
  return !endsWithPunctuation(line);
}

export function slugify(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/['’]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 100)
    .replace(/-+$/, '');
}

// Abbreviations whose full stop does not end a sentence.
const ABBREVIATIONS = new Set(
  'mr mrs ms dr prof gen lt col maj capt cpt sgt adm rep sen gov pres st jr sr rev hon no vs etc inc corp co ltd dept est approx fig jan feb mar apr jun jul aug sep sept oct nov dec mt ft u.s u.n u.k e.g i.e a.m p.m'.split(
    ' ',
  ),
);

/** The first sentence of a paragraph, not fooled by `Gen.`, `U.S.` or `John F. Kennedy`. */
export function firstSentence(paragraph: string): string {
  const re = /[.!?…]["'”’)]*\s+(?=["'“‘(]?[\p{Lu}\p{N}])/gu;
  for (const m of paragraph.matchAll(re)) {
    const before = paragraph.slice(0, m.index + 1);
    const word = /([\p{L}.]+)\.$/u.exec(before)?.[1]?.toLowerCase() ?? '';
    if (ABBREVIATIONS.has(word) || /^\p{L}$/u.test(word)) continue;
    return paragraph.slice(0, m.index + m[0].trimEnd().length);
  }
  return paragraph;
}

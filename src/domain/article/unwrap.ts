import { isHeadingLike } from './text.js';

/**
 * Hard-wrapped copy breaks one paragraph over several lines (~72 columns); scraped copy puts a
 * paragraph, a subheading or a highlight on each line, sometimes with no blank line between them.
 * These rules tell a wrap from a line that stands on its own.
 */

// A line never ends a heading, highlight or paragraph on one of these words: the text goes on.
const CONTINUING = new Set(
  [
    'a an the and or but nor of to in into on onto at by for with from as than that which who',
    'whose its their his her our your my this these those is are was were be been has have had',
    'will would could should',
  ]
    .join(' ')
    .split(' '),
);

const SENTENCE_END = /[.!?…]["'”’)\]]*$/u;

const firstWord = (s: string): string => s.split(' ', 1)[0] ?? '';

/** Lines that were certainly wrapped: the next one cannot start a paragraph, or this one cannot end one. */
function certainWrap(a: string, b: string): boolean {
  if (/^["'“‘([]*\p{Ll}/u.test(b) || /^[—–,;:.)…]/u.test(b)) return true;
  if (/[,;“‘]$/u.test(a)) return true;
  const last = /([\p{L}']+)$/u.exec(a)?.[1]?.toLowerCase();
  return last !== undefined && CONTINUING.has(last);
}

/**
 * The width the copy was wrapped at, if it was: the longest line that certainly wraps into the
 * next. Undefined for copy with a paragraph per line (too few wraps, or lines too long for a wrap).
 * Copy with no blank lines at all and only short lines is wrapped too: at its longest line.
 */
export function wrapWidth(pairs: [string, string][], blankSeparated: boolean): number | undefined {
  const wrapped = pairs.filter(([a, b]) => certainWrap(a, b)).map(([a]) => a.length);
  const lengths =
    wrapped.length >= 2 ? wrapped : blankSeparated ? [] : pairs.map(([a]) => a.length);
  if (lengths.length === 0) return undefined;
  const width = Math.max(...lengths);
  return width <= 110 ? width : undefined;
}

export interface WrapContext {
  /** The wrap width, when the copy was certainly wrapped (see wrapWidth). */
  width: number | undefined;
  /** Blank lines part the copy's paragraphs, so lines that touch belong together. */
  blankSeparated: boolean;
}

/**
 * `a` and `b` as one line when `b` continues the text of `a`, else undefined; `next` is the line
 * after `b` when no blank line comes between. A line that was full at the wrap width (the next word
 * would not have fitted) continues too, even after a full stop.
 */
export function joinWrapped(
  a: string,
  b: string,
  next: string | undefined,
  ctx: WrapContext,
): string | undefined {
  // `well-` + `known`: the wrapper broke a compound at its hyphen.
  if (/\p{L}[-—]$/u.test(a) && /^\p{L}/u.test(b)) return a + b;
  if (certainWrap(a, b)) return `${a} ${b}`;
  // A line longer than the width was not made by the wrapper (a highlight, say): it stands alone.
  const { width } = ctx;
  if (width !== undefined && a.length <= width + 3 && a.length + 1 + firstWord(b).length > width) {
    // After a full stop, a short unpunctuated line that does not run on is a subheading.
    const bRunsOn =
      next !== undefined && (certainWrap(b, next) || b.length + 1 + firstWord(next).length > width);
    return SENTENCE_END.test(a) && isHeadingLike(b) && !bRunsOn ? undefined : `${a} ${b}`;
  }
  if (!ctx.blankSeparated || a.length < 40 || a.length > 110) return undefined;
  // Where blank lines part paragraphs, a wrapped line that ends a sentence still goes on, unless
  // what follows is a subheading: unpunctuated, with a blank line after it (the last line of a
  // wrapped paragraph ends with punctuation).
  if (SENTENCE_END.test(a)) {
    return next === undefined && isHeadingLike(b) ? undefined : `${a} ${b}`;
  }
  // `… council engineers` + `1,200 homes were built.`: a number goes on an unfinished sentence
  // when its line ends one (or runs on), which a list of highlights never does.
  const bGoesOn = SENTENCE_END.test(b) || (next !== undefined && certainWrap(b, next));
  return /^\d/.test(b) && bGoesOn ? `${a} ${b}` : undefined;
}

/**
 * Hard-wrapped copy breaks one paragraph over several lines (~72 columns); scraped copy puts a
 * paragraph, a subheading or a highlight on each line, sometimes with no blank line between them.
 * These rules tell a wrap from a line that stands on its own.
 */

// A line never ends a heading, highlight or paragraph on one of these words: the text goes on.
const CONTINUING = new Set(
  'a an the and or but nor of to in into on onto at by for with from as than that which who whose its their his her our your my this these those is are was were be been has have had will would could should'.split(
    ' ',
  ),
);

const firstWord = (s: string): string => s.split(' ', 1)[0] ?? '';

/** Lines that were certainly wrapped: the next one cannot start a paragraph, or this one cannot end one. */
function certainWrap(a: string, b: string): boolean {
  if (/^[\p{Ll}]/u.test(b)) return true;
  if (/[,;“‘]$/u.test(a)) return true;
  const last = /([\p{L}']+)$/u.exec(a)?.[1]?.toLowerCase();
  return last !== undefined && CONTINUING.has(last);
}

/**
 * The width the copy was wrapped at, if it was: the longest line that certainly wraps into the
 * next. Undefined for copy with a paragraph per line (too few wraps, or lines too long for a wrap).
 */
export function wrapWidth(pairs: [string, string][]): number | undefined {
  const wrapped = pairs.filter(([a, b]) => certainWrap(a, b)).map(([a]) => a.length);
  if (wrapped.length < 2) return undefined;
  const width = Math.max(...wrapped);
  return width <= 110 ? width : undefined;
}

/**
 * `a` and `b` as one line when `b` continues the text of `a`, else undefined. A line that was full
 * at the wrap width (the next word would not have fitted) continues too, even after a full stop.
 */
export function joinWrapped(a: string, b: string, width: number | undefined): string | undefined {
  // `well-` + `known`: the wrapper broke a compound at its hyphen.
  if (/\p{L}[-—]$/u.test(a) && /^\p{L}/u.test(b)) return a + b;
  if (certainWrap(a, b)) return `${a} ${b}`;
  if (width !== undefined && a.length + 1 + firstWord(b).length > width) return `${a} ${b}`;
  return undefined;
}

/**
 * Text hygiene shared by every output (HTML, text, headers, XML). Article objects are not
 * trusted: they may come from tests, Redis or a future API rather than the parser.
 */

// C0 controls except TAB/LF/CR, DEL, C1 controls, lone surrogates, U+FFFE/U+FFFF and the other
// noncharacters: XML 1.0 forbids some, and none of them belongs in a newsletter.
const FORBIDDEN =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFDD0-\uFDEF\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]|[\uD83F\uD87F\uD8BF\uD8FF\uD93F\uD97F\uD9BF\uD9FF\uDA3F\uDA7F\uDABF\uDAFF\uDB3F\uDB7F\uDBBF\uDBFF][\uDFFE\uDFFF]/g;

// Bidi embeddings, overrides and isolates (U+202A-202E, U+2066-2069): they can make a subject or
// a link read backwards ("Trojan Source"). Right-to-left text needs none of them; the marks
// U+200E/U+200F that it may use are kept.
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/g;

/** Removes what no output may carry; keeps line breaks and tabs. */
export function stripForbidden(s: string): string {
  return s.replace(FORBIDDEN, '').replace(BIDI_CONTROLS, '');
}

/** One line of text: forbidden characters gone, every run of whitespace (CR/LF too) one space. */
export function cleanLine(s: string): string {
  return stripForbidden(s).replace(/\s+/g, ' ').trim();
}

/** At most `max` characters, cut at a word boundary, with an ellipsis when cut. */
export function truncate(s: string, max: number): string {
  if (s.length <= max) return s;
  const cut = s.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).replace(/[\s,;:.–—-]+$/, '')}…`;
}

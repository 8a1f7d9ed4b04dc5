import type { BodyBlock } from './schema.js';
import { firstSentence, wordCount } from './text.js';

/**
 * Short lines standing alone between paragraphs are subheads (`Will winds whip parade
 * balloons?`, `Planes, trains ...`, `NO FOUL PLAY SEEN`, `'NEVER SEEN IT LIKE THIS'`) or the
 * headlines of other stories the page linked to (`5 healthy eating tips for holiday travelers`,
 * `Helicopter 'Sounded a Little Funny' Before Crashing Into Florida Home`). Subheads stay; the
 * links are neither subheads nor paragraphs.
 */

const CLOSERS = /["'”’»)\]]+$/u;
// A subhead may open with an ellipsis that carries on the one before (`... and automobiles`).
const OPENS = /^(?:(?:\.\.\.|…) ?\p{L}|[#@]?["“‘'¿¡(]*[\p{Lu}\p{N}])/u;

/** One short line, one sentence at most, ending without a stop (a `?` or `…` may end it). */
export function isSubheadLike(line: string): boolean {
  if (line.length < 2 || line.length > 100 || wordCount(line) > 14) return false;
  if (!OPENS.test(line)) return false;
  // Two sentences are a paragraph, however short: `“But …,” he said. “Do you dispute that?”`
  if (firstSentence(line) !== line) return false;
  // A quotation standing alone is a short paragraph (`“Do you dispute that?”`).
  if (/^["“]/u.test(line) && /[.!?…]["”]$/u.test(line)) return false;
  const end = line.replace(CLOSERS, '');
  if (/(?:\.\.\.|…)$/u.test(end)) return true;
  return !/[.!:;,]$/.test(end);
}

// Words a headline in title case leaves in lower case.
const MINOR = new Set(
  'a an the and or but nor of to in into on onto at by for with from as vs via per up off out over than so yet is are be its'.split(
    ' ',
  ),
);
// Labels that mark a link to another page: `READ: …`, `Related: …`, `Opinion: …`.
const LABEL =
  /^(?:read(?: more| also)?|also read|related(?: stories| articles?)?|more|see|watch|listen|opinion|analysis|photos?|videos?|gallery|live updates|explainer|timeline|sponsored|trending|don['’]t miss|must read|recommended)\s*:/i;

/** Headline case: five words or more, every word that counts capitalised (not all capitals). */
function isTitleCase(line: string): boolean {
  if (!/\p{Ll}/u.test(line)) return false;
  const words = line.split(/\s+/).map((w) => w.replace(/^[^\p{L}\p{N}]+/u, ''));
  if (words.length < 5) return false;
  const counted = words.filter((w, k) => w && (k === 0 || !MINOR.has(w.toLowerCase())));
  return counted.length >= 4 && counted.every((w) => /^[\p{Lu}\p{N}]/u.test(w));
}

/** A line shaped like a link to another story rather than a subhead of this one. */
export function isRelatedLink(line: string): boolean {
  if (/^[#@]\p{L}/u.test(line) || LABEL.test(line) || / \| /.test(line)) return true;
  // A listicle: `5 healthy eating tips for holiday travelers`.
  if (/^\d{1,2} \p{Ll}/u.test(line)) return true;
  // A headline with a kicker: `Don't get trapped by bad weather: Top tips`.
  const kicker = /^(.+): (\S+(?: \S+)?)$/u.exec(line);
  if (kicker && wordCount(kicker[1]!) >= 4) return true;
  return isTitleCase(line);
}

/**
 * Marks subheads and drops links. A subhead heads text: a short line followed by another short
 * line is a link (the pair `5 healthy eating tips …` / `... and automobiles`), and so is one left
 * between the last paragraph and the credit line (`creditFollows`). A short last line with no
 * credit after it stays a paragraph: it may be the story's own last words. Without
 * `guessHeadings` (text whose markup already told its subheads and list items apart) only what is
 * shaped like a link is dropped, and every other block stays a paragraph.
 */
export function markSubheadings(
  blocks: BodyBlock[],
  { creditFollows, guessHeadings }: { creditFollows: boolean; guessHeadings: boolean },
): BodyBlock[] {
  const short = blocks.map((b, k) => k > 0 && b.type === 'paragraph' && isSubheadLike(b.text));
  const link = blocks.map(
    (b, k) =>
      b.type === 'paragraph' &&
      b.text.length <= 200 &&
      (LABEL.test(b.text) || (short[k]! && isRelatedLink(b.text))),
  );
  const out: BodyBlock[] = [];
  blocks.forEach((b, k) => {
    if (link[k]) return;
    if (!short[k] || !guessHeadings) {
      out.push(b);
      return;
    }
    // The next block that is not a link: a paragraph means this line heads it.
    let j = k + 1;
    while (j < blocks.length && link[j]) j++;
    if (j < blocks.length && !short[j]) out.push({ type: 'heading', text: b.text });
    else if (j === blocks.length && !creditFollows) out.push(b);
  });
  return out;
}

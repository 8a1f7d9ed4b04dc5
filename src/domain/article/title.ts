import { firstSentence } from './text.js';

/**
 * A headline derived from the lead when none is given: it is every reader's first line (the
 * digest's subject, the contents list, the feed item), so it must read as a headline, not as a
 * clipping. It ends where the lead's first sentence or one of its clauses ends (15–90
 * characters); when even the first clause is longer, it is cut before a phrase and marked with
 * `…`, and it never ends on a word that needs another after it (`for`, `after`, `the`).
 */

const MIN_TITLE = 15;
const MAX_TITLE = 90;

// Words a headline cannot end on: articles, prepositions, conjunctions, auxiliaries, pronouns
// that want a noun.
const DANGLING = new Set(
  [
    'a an the and or but nor of to in into on onto at by for with from as than that which who whom',
    'whose when where while after before since until because if though although its their his her',
    'our your my this these those is are was were be been being has have had will would could should',
    'can may might must do does did not no so about over under between among against during without',
    'within upon via per amid across through toward towards like near off up down says said told',
    'very more most also just even only',
    // Words that want what follows: `bound for`, `according to`, `due to`, `set to`.
    'bound according due able set poised going trying',
  ]
    .join(' ')
    .split(' '),
);

// Words that open a phrase: cutting just before one leaves a whole phrase behind.
const PHRASE_START = new Set(
  [
    'about above across after against along amid among around as at before behind below beneath',
    'beside between beyond by despite during except for from in inside into near of off on onto',
    'outside over past since through throughout to toward towards under until upon with within',
    'without while when where because although though whereas which who that and but or',
  ]
    .join(' ')
    .split(' '),
);

// Clause ends: a comma (not one grouping thousands), a semicolon, a colon (not in a time), dashes.
const CLAUSE_END = /(?<!\d),|,(?!\d)|;|:(?!\d)|\s[—–-]{1,2}\s|[—–]|\s--|--\s/gu;

/** A word without the marks around it, in lower case (`“truly` → `truly`, `NHL's` → `nhl`). */
const bare = (w: string): string =>
  w
    .replace(/^[^\p{L}]+|[^\p{L}]+$/gu, '')
    .toLowerCase()
    .replace(/['’]s$/u, '');

/** The clause ends of a sentence, as lengths of the text before each (the sentence end last). */
function clauseEnds(sentence: string): number[] {
  const ends = [...sentence.matchAll(CLAUSE_END)].map((m) => m.index);
  return [...ends, sentence.length];
}

/** Without the stop or the mark that ends it (a `?` or `!` stays: it is part of a headline). */
const trimEnd = (s: string): string => s.replace(/[\s.…:;,—–-]+$/u, '').trim();

/** A long clause cut before a phrase, with `…`; never on a dangling word. */
function cut(clause: string, max: number): string {
  const room = max - 1;
  const words = clause.split(' ');
  let best = '';
  let fallback = '';
  let prefix = '';
  for (let k = 0; k < words.length - 1; k++) {
    // Only the last word's closing marks go: trimming the whole prefix each time is quadratic.
    const text = prefix + words[k]!.replace(/[.…:;,—–-]+$/u, '');
    prefix += `${words[k]} `;
    if (text.length > room) break;
    if (text.length < MIN_TITLE || DANGLING.has(bare(words[k]!))) continue;
    fallback = text;
    if (PHRASE_START.has(words[k + 1]!.toLowerCase()) && text.length >= max / 3) best = text;
  }
  const chosen = best || fallback || trimEnd(clause.slice(0, room));
  return `${chosen}…`;
}

/** Drops an opening quote mark whose closing one the title left behind. */
function balanceQuotes(title: string): string {
  if (
    (title.startsWith('“') && !title.includes('”')) ||
    (title.startsWith('"') && title.split('"').length % 2 === 0)
  ) {
    return title.slice(1).trim();
  }
  return title;
}

export function deriveTitle(lead: string, max = MAX_TITLE): string {
  const sentence = firstSentence(lead).trim();
  const ends = clauseEnds(sentence);
  // The first clause end that makes a title long enough; short clauses join the next.
  let title = '';
  for (const end of ends) {
    const text = trimEnd(sentence.slice(0, end));
    if (text.length >= MIN_TITLE || end === sentence.length) {
      title = text.length <= max ? text : cut(text, max);
      break;
    }
  }
  return balanceQuotes(title);
}

import type { Article } from '../article/index.js';
import { cleanLine } from '../hygiene.js';

/** One digest: the articles it carries, top story first, and what the inbox shows of it. */
export interface Edition {
  readonly id: string;
  /** ISO 8601 instant the edition is dated. */
  readonly date: string;
  readonly articles: readonly Article[];
  /** The top story's title, with "+ N more" when the edition carries more stories. */
  readonly subject: string;
  /** The inbox preview line: the top story's first highlight, else its summary. */
  readonly preheader: string;
}

export const EDITION_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/**
 * The order given is kept: choosing the top story is an editorial decision made by the caller.
 * Subject and preheader are plain text here; every output escapes or encodes them itself.
 */
export function makeEdition(
  articles: readonly Article[],
  opts: { id: string; date: Date | string },
): Edition {
  if (!EDITION_ID.test(opts.id)) {
    throw new RangeError(`edition id ${JSON.stringify(opts.id)} must be 1-64 of A-Z a-z 0-9 . _ -`);
  }
  const top = articles[0];
  if (!top) throw new RangeError(`edition ${opts.id} has no articles`);
  const date = new Date(opts.date);
  if (Number.isNaN(date.getTime())) throw new RangeError(`edition ${opts.id}: invalid date`);
  const more = articles.length - 1;
  return Object.freeze({
    id: opts.id,
    date: date.toISOString(),
    articles: Object.freeze([...articles]),
    subject: more > 0 ? `${cleanLine(top.title)} + ${more} more` : cleanLine(top.title),
    preheader: cleanLine(top.highlights[0] ?? top.summary),
  });
}

/** The most stories one digest carries; the HTML budget (Gmail clips at 102 KB) is sized for it. */
export const MAX_STORIES = 20;

/**
 * What an edition holds, of the articles it may take: the newest MAX_STORIES, top story first.
 * The edition job applies the same rule in Redis when it claims the candidates
 * (stores/scripts/claim-edition.lua: newest first by publication time, ties by id descending,
 * as ZREVRANGE orders them), so a preview shows what the next edition will carry.
 */
export function selectStories(articles: readonly Article[]): Article[] {
  return [...articles].sort(byNewest).slice(0, MAX_STORIES);
}

/** Newest first, ties broken by id as Redis breaks them, so the same articles make the same edition. */
export function byNewest(a: Article, b: Article): number {
  // Parsed, not compared as strings: `…00Z` and `…00.000Z` are the same instant.
  return (
    Date.parse(b.publishedAt) - Date.parse(a.publishedAt) ||
    (a.id < b.id ? 1 : a.id > b.id ? -1 : 0)
  );
}

/** `YYYY-MM-DD` of an instant in a time zone: the natural id of a daily edition. */
export function editionIdFor(date: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(date);
}

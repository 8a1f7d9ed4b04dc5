import { readFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArticle, type Article } from '../../src/domain/article/index.js';

export const SITE_URL = 'https://gazette.example';
export const FALLBACK_DATE = new Date('2026-01-01T00:00:00Z');

/** The reference wire sample lives beside the repository, never inside it. */
export { describeSeed } from './seed.js';

/** Paths from the repository root, wherever vitest was started. */
export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export const fixture = (...parts: string[]): string => resolve(REPO, 'test', 'fixtures', ...parts);

export function parseBytes(bytes: Uint8Array | string, file: string): Article {
  const data = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes;
  return parseArticle(data, { file, siteUrl: SITE_URL, fallbackPublishedAt: FALLBACK_DATE });
}

export function parseFile(path: string): Article {
  return parseArticle(readFileSync(path), {
    file: basename(path),
    siteUrl: SITE_URL,
    fallbackPublishedAt: FALLBACK_DATE,
  });
}

export const wire = (name: string): Article => parseFile(fixture('wire', `${name}.txt`));

export const paragraphs = (a: Article): string[] =>
  a.body.filter((b) => b.type === 'paragraph').map((b) => b.text);

export const headings = (a: Article): string[] =>
  a.body.filter((b) => b.type === 'heading').map((b) => b.text);

/** Every string in the Article's JSON, to look for text that must not be anywhere. */
export const allText = (a: Article): string => JSON.stringify(a);

// Words a derived headline may not end on: the story goes on after them.
const DANGLING =
  /\b(?:a|an|the|and|or|but|of|to|in|into|on|at|by|for|with|from|as|than|that|after|before|over|its|their|his|her|is|are|was|were|has|have|had|will|would)$/i;

/**
 * Why a derived title breaks the headline rule for this lead, or undefined when it keeps it:
 * 15–90 characters, a prefix of the lead ending where a sentence or clause ends, or marked as
 * cut with `…`, and never on a dangling word.
 */
export function titleProblem(title: string, lead: string): string | undefined {
  if (title.length < 15 || title.length > 90) return `${title.length} characters`;
  const cut = title.endsWith('…');
  const text = cut ? title.slice(0, -1) : title;
  if (!lead.startsWith(text)) return 'not a prefix of the lead';
  if (DANGLING.test(text)) return 'ends on a dangling word';
  const next = lead.slice(text.length);
  if (!cut && next && !/^(?:[,;:.!?…]|\s[—–-]{1,2}\s|[—–])/u.test(next)) {
    return `ends mid-clause, before "${next.slice(0, 20)}"`;
  }
  return undefined;
}

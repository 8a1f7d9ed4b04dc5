import { readFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArticle, type Article } from '../../src/article/index.js';

export const SITE_URL = 'https://gazette.example';
export const FALLBACK_DATE = new Date('2026-01-01T00:00:00Z');

/** The reference wire sample lives beside the repository, never inside it. */
export { describeSeed } from '../helpers/seed.js';

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

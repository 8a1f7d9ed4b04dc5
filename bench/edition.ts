/**
 * The edition every benchmark sends: our six sample articles and six wire-copy fixtures, about
 * 40 KB of HTML, the size of a real daily digest. The pipeline ingests these very files; the
 * baselines render them here with the same configuration, so both send the same message.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArticle, type Article } from '../src/domain/article/index.js';
import { loadConfig, type Config } from '../src/runtime/config.js';
import { makeEdition } from '../src/domain/edition/edition.js';
import { renderEdition, type RenderedEdition } from '../src/domain/render/render.js';

const ROOT = resolve(import.meta.dirname, '..');

/** The environment of every process in a benchmark run (workers get it too, plus their own). */
export const BENCH_ENV: Readonly<Record<string, string>> = Object.freeze({
  NODE_ENV: 'production',
  SITE_URL: 'https://news.example',
  SITE_NAME: 'Gazette',
  MAIL_FROM: 'Gazette <digest@news.example>',
  MEDIA_BASE_URL: 'https://media.news.example',
  SECRET: 'benchmark-secret-0123456789abcdefghij',
  POSTAL_ADDRESS: 'Gazette, 1 Example Street, Springfield',
});

export const WIRE_STORIES = 6;

/**
 * The article files, in a fixed order: all of content/ and the first `wireStories` wire
 * fixtures that parse (the edition takes six; the feed benchmark takes them all).
 */
export function benchArticleFiles(wireStories = WIRE_STORIES): string[] {
  const content = join(ROOT, 'content');
  const wire = join(ROOT, 'test', 'fixtures', 'wire');
  const files = readdirSync(content)
    .filter((f) => /\.(md|txt)$/.test(f))
    .sort()
    .map((f) => join(content, f));
  const ids = new Set<string>();
  for (const f of files) ids.add(parse(f).id);
  let added = 0;
  for (const name of readdirSync(wire).sort()) {
    if (added === wireStories) break;
    const file = join(wire, name);
    try {
      const { id } = parse(file);
      if (ids.has(id)) continue;
      ids.add(id);
      files.push(file);
      added++;
    } catch {
      // a fixture made to be rejected: not a story
    }
  }
  return files;
}

export function benchConfig(extra: Record<string, string> = {}): Config {
  return loadConfig({ ...BENCH_ENV, LOG_LEVEL: 'silent', ...extra });
}

let articles: Article[] | undefined;

/** The edition as the edition job would render it from the same files. */
export async function renderBenchEdition(config: Config = benchConfig()): Promise<RenderedEdition> {
  articles ??= benchArticleFiles().map((f) => parse(f));
  const date = new Date();
  return renderEdition(makeEdition(articles, { id: 'bench', date }), config);
}

function parse(file: string): Article {
  return parseArticle(readFileSync(file), {
    file,
    siteUrl: BENCH_ENV.SITE_URL!,
    fallbackPublishedAt: new Date('2026-01-01T07:00:00Z'),
  });
}

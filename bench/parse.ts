/**
 * Parse time per article: every file of CONTENT_DIR (default content/), the reference sample and
 * the scraped stories of shared/real-wire when they are beside the checkout, each against a
 * baseline measured in the same run: marked's lexer on the same text, the floor of any parser
 * that reads it once. Saved pages (CONTENT_DIR's .html files and ../shared/real-html/) are timed
 * against Readability alone on the same DOM (linkedom's parse plus Readability.parse), the floor
 * of any extractor built on it.
 *
 *   npx tsx bench/parse.ts [--runs 2000] [--page-runs 20]
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import { Lexer } from 'marked';
import { parseArticle } from '../src/domain/article/index.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '2000' },
    'page-runs': { type: 'string', default: '20' },
  },
});
const runs = Number(values.runs);
const pageRuns = Number(values['page-runs']);
const dir = process.env.CONTENT_DIR ?? 'content';
const files = readdirSync(dir)
  .filter((f) => /\.(md|markdown|txt)$/.test(f))
  .map((f) => join(dir, f));
const seed = resolve('..', 'shared', 'seed', 'wire-article.txt');
if (existsSync(seed)) files.unshift(seed);
const realWire = resolve('..', 'shared', 'real-wire');
if (existsSync(realWire)) {
  files.push(
    ...readdirSync(realWire)
      .filter((f) => f.endsWith('.txt'))
      .sort()
      .map((f) => join(realWire, f)),
  );
}
const shared = resolve('..', 'shared', 'real-html');
const pages = [
  ...readdirSync(dir)
    .filter((f) => /\.html?$/.test(f))
    .map((f) => join(dir, f)),
  ...(existsSync(shared)
    ? readdirSync(shared)
        .filter((f) => f.endsWith('.html'))
        .map((f) => join(shared, f))
    : []),
];

/** Median µs per call over five rounds of `runs` calls, after a warm-up round. */
function time(fn: () => unknown, runs: number): number {
  const rounds: number[] = [];
  for (let r = 0; r < 6; r++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < runs; i++) fn();
    if (r > 0) rounds.push(Number(process.hrtime.bigint() - start) / 1000 / runs);
  }
  return rounds.sort((a, b) => a - b)[2]!;
}

const at = new Date('2026-01-01T00:00:00Z');
console.log(
  `parse: median of 5 × ${runs} runs per file; baseline: marked's lexer on the same text`,
);
console.log('file                                   KB   parse µs  lexer µs  parse / lexer');
for (const file of files) {
  const bytes = readFileSync(file);
  const text = bytes.toString('utf8');
  const parseOnce = () =>
    parseArticle(bytes, { file, siteUrl: 'https://news.example', fallbackPublishedAt: at });
  // A file the parser refuses is timed all the same (the refusal is the work it did), and said.
  const refused = (() => {
    try {
      parseOnce();
      return '';
    } catch (err) {
      return `  (refused: ${(err as Error).message.split(': ').slice(1).join(': ')})`;
    }
  })();
  const parse = time(() => {
    try {
      parseOnce();
    } catch {
      // counted above
    }
  }, runs);
  const lex = time(() => new Lexer().lex(text), runs);
  const name = file.length > 36 ? `…${file.slice(-35)}` : file;
  console.log(
    `${name.padEnd(36)} ${(bytes.length / 1024).toFixed(1).padStart(5)} ${parse.toFixed(0).padStart(9)} ${lex.toFixed(0).padStart(9)} ${(parse / lex).toFixed(2).padStart(13)}×${refused}`,
  );
}

if (pages.length > 0) {
  console.log(
    `\npages: median of 5 × ${pageRuns} runs per page; baseline: linkedom + Readability alone on the same text`,
  );
  console.log('page                                   KB   parse ms  reader ms  parse / reader');
  for (const file of pages) {
    const bytes = readFileSync(file);
    const text = bytes.toString('utf8');
    const parse = time(
      () => parseArticle(bytes, { file, siteUrl: 'https://news.example', fallbackPublishedAt: at }),
      pageRuns,
    );
    const reader = time(() => new Readability(parseHTML(text).document as never).parse(), pageRuns);
    const name = file.length > 36 ? `…${file.slice(-35)}` : file;
    console.log(
      `${name.padEnd(36)} ${(bytes.length / 1024).toFixed(0).padStart(5)} ${(parse / 1000).toFixed(1).padStart(9)} ${(reader / 1000).toFixed(1).padStart(10)} ${(parse / reader).toFixed(2).padStart(14)}×`,
    );
  }
}

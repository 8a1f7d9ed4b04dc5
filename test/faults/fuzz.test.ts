import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArticleSchema } from '../../src/domain/article/index.js';
import { InvalidArticleError, InvalidCsvError } from '../../src/runtime/errors.js';
import { importSubscribersCsv } from '../../src/operations/import-subscribers.js';
import type { AddOutcome } from '../../src/stores/subscribers/index.js';
import { parseBytes } from '../helpers/article.js';
import { anyText } from '../helpers/wire-arbitrary.js';
import { recordAbuse } from './support/abuse.js';

const RUNS = 10_000;

/** Front matter that is almost right: the parser's YAML and field checks get hostile values. */
const frontMatter = fc
  .tuple(
    fc.dictionary(
      fc.constantFrom('title', 'date', 'url', 'tags', 'summary', 'id', 'highlights', 'x'),
      fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom('[', '{', '- a', '|', '&x', '*x')),
      { maxKeys: 5 },
    ),
    fc.oneof(fc.string({ maxLength: 200 }), fc.constantFrom('', 'Body.\n')),
  )
  .map(
    ([fields, body]) =>
      `---\n${Object.entries(fields)
        .map(([k, v]) => `${k}: ${v}`)
        .join('\n')}\n---\n${body}`,
  );

describe(`the article parser on arbitrary input (${RUNS} cases per format)`, () => {
  it.each(['story.txt', 'story.md'])(
    '%s: a valid Article or an InvalidArticleError naming the file, nothing else',
    (file) => {
      fc.assert(
        fc.property(fc.oneof(anyText, frontMatter), (input) => {
          try {
            expect(ArticleSchema.safeParse(parseBytes(input, file)).success).toBe(true);
          } catch (err) {
            if (!(err instanceof InvalidArticleError)) throw err;
            expect(err.message.startsWith(file)).toBe(true);
          }
        }),
        { numRuns: RUNS },
      );
      recordAbuse(`article parser, ${file}: arbitrary bytes and front matter`, RUNS);
    },
  );
});

/** Rows the way spreadsheets and attackers write them: quotes, separators, BOMs, CR, junk. */
const cell = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.constantFrom('a@example.org', ' B@Example.ORG ', 'x@y', '"', '""', ',', '\r', '\n', '\uFEFF'),
  fc.constantFrom('Europe/Paris', 'Mars/Olympus', '=cmd|" /C calc"!A0', '<script>'),
);
const csv = fc.oneof(
  fc.string({ maxLength: 300, unit: 'binary' }),
  fc
    .tuple(
      fc.constantFrom('email,name,tz', 'EMAIL;name', 'name,tz', '\uFEFFemail', 'email,email', ''),
      fc.array(fc.array(cell, { maxLength: 5 }), { maxLength: 12 }),
      fc.constantFrom('\n', '\r\n', '\r'),
    )
    .map(([head, rows, nl]) => [head, ...rows.map((r) => r.join(','))].join(nl)),
);

describe(`subscriber CSV import on arbitrary files (${RUNS} cases)`, () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gazette-fuzz-csv-'));
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('a result whose rows add up, or an InvalidCsvError naming the file and line; nothing else', async () => {
    const file = join(dir, 'subscribers.csv');
    // The store is a stand-in: what is fuzzed is the reading, not Redis.
    const store = { addMany: async (rows: unknown[]) => rows.map((): AddOutcome => 'created') };
    await fc.assert(
      fc.asyncProperty(csv, async (text) => {
        await writeFile(file, text);
        try {
          const r = await importSubscribersCsv(file, { store });
          expect(r.created + r.invalid).toBeGreaterThanOrEqual(0);
          expect(r.errors.length).toBe(r.invalid + (r.complete ? 0 : 1));
          for (const e of r.errors) expect(e.line).toBeGreaterThan(0);
        } catch (err) {
          if (!(err instanceof InvalidCsvError)) throw err;
          expect(err.message.startsWith(file)).toBe(true);
        }
      }),
      { numRuns: RUNS },
    );
    recordAbuse('subscriber CSV import: arbitrary files', RUNS);
  }, 240_000);
});

import { readFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { expect, it } from 'vitest';
import { z } from 'zod';
import { ArticleSchema } from '../../../src/domain/article/index.js';
import { describeShared } from '../../helpers/shared.js';
import { headings, paragraphs, parseFile, titleProblem } from '../../helpers/article.js';

// What a careful editor expects of each scraped story (shared/real-wire/README.md gives the keys).
const Case = z
  .object({
    file: z.string(),
    source: z.string().nullable(),
    dateline: z.string().nullable(),
    titlePrefixOfLead: z.boolean(),
    highlights: z.array(z.string()),
    headings: z.array(z.string()),
    contributors: z.array(z.string()),
    paragraphs: z.number(),
    leadStartsWith: z.string(),
    forbiddenInBody: z.array(z.string()),
    mustKeepParagraphContaining: z.string(),
    mediaHas: z.array(z.string()).optional(),
    mediaCount: z.number().optional(),
  })
  .strict();

describeShared(
  'real scraped wire copy (shared/real-wire)',
  ['real-wire', 'expect.json'],
  (path) => {
    const cases = z.record(z.string(), Case).parse(JSON.parse(readFileSync(path, 'utf8')));
    // `file` is relative to the folder above shared/.
    const root = dirname(dirname(dirname(path)));

    it('has the six stories the README lists', () => {
      expect(Object.keys(cases)).toHaveLength(6);
    });

    for (const [name, c] of Object.entries(cases)) {
      const file = resolve(root, c.file);
      it(`${name} (${basename(file)}) parses as expect.json says`, () => {
        const a = parseFile(file);
        expect(ArticleSchema.parse(a)).toEqual(a);
        expect(a.source).toBe(c.source);
        expect(a.dateline).toBe(c.dateline);
        expect(a.highlights).toEqual(c.highlights);
        expect(headings(a)).toEqual(c.headings);
        expect(a.contributors).toEqual(c.contributors);
        expect(paragraphs(a)).toHaveLength(c.paragraphs);
        expect(paragraphs(a)[0]!.startsWith(c.leadStartsWith)).toBe(true);
        expect(a.summary).toBe(paragraphs(a)[0]);
        for (const debris of c.forbiddenInBody) {
          for (const b of a.body) {
            // A lone `.` is forbidden as a block, not as the stop of a sentence.
            if (debris === '.') expect(b.text).not.toBe('.');
            else expect(b.text).not.toContain(debris);
          }
        }
        expect(paragraphs(a).some((p) => p.includes(c.mustKeepParagraphContaining))).toBe(true);
        if (c.mediaCount !== undefined) expect(a.media).toHaveLength(c.mediaCount);
        for (const caption of c.mediaHas ?? []) {
          expect(a.media.some((m) => m.caption?.includes(caption))).toBe(true);
        }
        if (c.titlePrefixOfLead) expect(titleProblem(a.title, paragraphs(a)[0]!)).toBeUndefined();
      });
    }
  },
);

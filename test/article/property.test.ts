import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ArticleSchema } from '../../src/article/index.js';
import { InvalidArticleError } from '../../src/errors.js';
import { headings, paragraphs, parseBytes } from './helpers.js';
import { anyText, wireStory } from './wire-arbitrary.js';

describe('the parser on arbitrary input', () => {
  it.each(['story.txt', 'story.md'])(
    '%s: returns a valid Article or throws InvalidArticleError, nothing else',
    (file) => {
      fc.assert(
        fc.property(anyText, (input) => {
          try {
            const a = parseBytes(input, file);
            expect(ArticleSchema.safeParse(a).success).toBe(true);
            expect(JSON.stringify(a)).not.toContain('\u00a0');
          } catch (err) {
            if (!(err instanceof InvalidArticleError)) throw err;
            expect(err.message.startsWith(file)).toBe(true);
          }
        }),
        { numRuns: 1000 },
      );
    },
  );
});

describe('well-formed wire copy', () => {
  const words = (texts: string[]) => texts.join(' ').split(/\s+/);

  it('loses no paragraph, and keeps highlights, subheadings, dateline and tagline apart', () => {
    fc.assert(
      fc.property(wireStory, (story) => {
        const a = parseBytes(story.text, 'story.txt');
        if (story.wrapped) {
          // Hard-wrapped: every word is there, in order, whatever the paragraph breaks.
          expect(words(a.body.map((b) => b.text))).toEqual(words(story.body.map((b) => b.text)));
        } else {
          // Each paragraph once, in order, word for word; the lead without its dateline.
          expect(paragraphs(a)).toEqual(story.paragraphs);
          expect(headings(a)).toEqual(story.headings);
          expect(a.body).toEqual(story.body);
          expect(a.summary).toBe(story.paragraphs[0]);
        }
        expect(a.highlights).toEqual(story.highlights);
        expect(a.contributors).toEqual(story.contributors);
        expect(a.source).toBe(story.dateline?.source ?? null);
        expect(a.dateline).toBe(story.dateline?.place ?? null);
        expect(a.title.length).toBeLessThanOrEqual(90);
      }),
      { numRuns: 500 },
    );
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ArticleSchema, parseArticle } from '../../../src/domain/article/index.js';
import { InvalidArticleError } from '../../../src/runtime/errors.js';
import { headings, paragraphs, parseBytes } from '../../helpers/article.js';
import { anyText, wireStory } from '../../helpers/wire-arbitrary.js';

describe('the parser on arbitrary input', () => {
  it.each(['story.txt', 'story.md', 'story.json'])(
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

describe('JSON on arbitrary input', () => {
  // Any JSON value, and objects with the fields extractors and sidecars use, of any type.
  const fields = fc.record(
    {
      text: fc.oneof(fc.string(), fc.constant('(CNN) -- A lead.\n\nMore.'), fc.jsonValue()),
      title: fc.oneof(fc.string(), fc.jsonValue()),
      url: fc.oneof(fc.webUrl(), fc.string(), fc.jsonValue()),
      date: fc.oneof(fc.constant('2026-02-30'), fc.string(), fc.jsonValue()),
      authors: fc.oneof(fc.array(fc.string()), fc.jsonValue()),
      raw_text: fc.string(),
      top_image: fc.oneof(fc.string(), fc.jsonValue()),
      publish_date: fc.oneof(fc.string(), fc.jsonValue()),
    },
    { requiredKeys: [] },
  );
  const anyJson = fc.oneof(fc.jsonValue(), fields).map((v) => JSON.stringify(v) ?? 'null');
  const sidecarOf = (json: string) => ({
    file: 'story.json',
    bytes: new TextEncoder().encode(json),
  });

  it('as an input file or as a sidecar: a valid Article or an InvalidArticleError', () => {
    fc.assert(
      fc.property(anyJson, (json) => {
        for (const run of [
          () => parseBytes(json, 'story.json'),
          () =>
            parseArticle(new TextEncoder().encode('(CNN) -- A lead paragraph of the story.\n'), {
              file: 'story.txt',
              siteUrl: 'https://gazette.example',
              fallbackPublishedAt: new Date(0),
              sidecar: sidecarOf(json),
            }),
        ]) {
          try {
            expect(ArticleSchema.safeParse(run()).success).toBe(true);
          } catch (err) {
            if (!(err instanceof InvalidArticleError)) throw err;
            expect(err.message).toMatch(/^story\.json/);
          }
        }
      }),
      { numRuns: 500 },
    );
  });
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

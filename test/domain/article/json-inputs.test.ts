import { describe, expect, it } from 'vitest';
import { articleFiles, parseArticleFile } from '../../../src/domain/article/index.js';
import { InvalidArticleError } from '../../../src/runtime/errors.js';
import {
  fixture,
  headings,
  paragraphs,
  parseBytes,
  parseFile,
  SITE_URL,
} from '../../helpers/article.js';

const json = (name: string) => parseFile(fixture('json', `${name}.json`));
const withSidecar = async (name: string) =>
  (await parseArticleFile(fixture('sidecar', `${name}.txt`), { siteUrl: SITE_URL })).article;

function refusal(run: () => unknown): InvalidArticleError {
  try {
    run();
  } catch (err) {
    if (err instanceof InvalidArticleError) return err;
    throw err;
  }
  throw new Error('expected an InvalidArticleError');
}

describe('extractor JSON documents as input files', () => {
  it('trafilatura --json: title, author list, date, source URL, image, tags; text as wire copy', () => {
    const a = json('trafilatura-ferry');
    expect(a.title).toBe('Ferry strike strands island commuters');
    expect(a.url).toBe('https://news.example.org/2026/02/17/ferry-strike');
    expect(a.publishedAt).toBe('2026-02-17T00:00:00.000Z');
    expect(a.source).toBe('Reuters');
    expect(a.dateline).toBe('Halifax');
    // Authors first, then the credit line's reporter (once).
    expect(a.contributors).toEqual(['Ana Ruiz', 'Ben Odede']);
    expect(a.media).toEqual([{ kind: 'image', src: 'https://news.example.org/img/ferry.jpg' }]);
    expect(a.tags).toEqual(['strikes', 'transport']);
    expect(headings(a)).toEqual(['TALKS TO RESUME?']);
    expect(paragraphs(a)).toHaveLength(4);
    expect(paragraphs(a)[0]).toMatch(/^Ferry crews on three routes walked off/);
  });

  it('newspaper4k article JSON: url, title, authors, publish_date, top_image', () => {
    const a = json('newspaper4k-orchard');
    expect(a.title).toBe("Late frost wipes out half of valley's apple blossom");
    expect(a.url).toBe('https://www.example.com/2026/01/12/orchard-frost/index.html');
    expect(a.publishedAt).toBe('2026-01-12T08:30:00.000Z');
    expect(a.source).toBe('CNN');
    expect(a.contributors).toEqual(['Nora Lind', 'Piet Vos']);
    expect(a.media).toEqual([
      { kind: 'image', src: 'https://www.example.com/img/orchard-frost.jpg' },
    ]);
    expect(paragraphs(a)).toHaveLength(3);
    expect(JSON.stringify(a.body)).not.toMatch(/Share your photos|contributed/);
    expect(a.id).toBe('newspaper4k-orchard');
  });

  it.each([
    ['not-an-extractor', 1, /neither trafilatura .* nor newspaper4k/],
    ['bad-date', 4, /newspaper4k JSON "publish_date": "last Tuesday" is not an ISO 8601 date/],
  ])('%s.json is refused with file:line (%i)', (name, line, reason) => {
    const err = refusal(() => json(name));
    expect(err.file).toBe(`${name}.json`);
    expect(err.line).toBe(line);
    expect(err.reason).toMatch(reason);
  });

  it('invalid JSON is refused with the line of the fault', () => {
    const broken =
      '{\n  "title": "Broken",\n  "text": "A paragraph."\n  "url": "https://example.com/x"\n}\n';
    const err = refusal(() => parseBytes(broken, 'broken.json'));
    expect(err.reason).toMatch(/^not valid JSON/);
    expect(err.line).toBe(4);
  });
});

describe('a sidecar story.json beside story.txt', () => {
  it('gives title, url, publishedAt, authors and image; the text gives the rest', async () => {
    const a = await withSidecar('harbour-tolls');
    expect(a.title).toBe('Harbour bridge tolls to end after 60 years');
    expect(a.url).toBe('https://www.example.com/2026/03/01/harbour-tolls');
    expect(a.publishedAt).toBe('2026-03-01T09:00:00.000Z');
    expect(a.contributors).toEqual(['Lea Stone', 'Ivo Marsh']);
    expect(a.media).toEqual([
      { kind: 'image', src: 'https://www.example.com/img/swing-bridge.jpg' },
    ]);
    expect(a.source).toBe('CNN');
    expect(paragraphs(a)).toHaveLength(3);
  });

  it('front matter wins key by key; `date` and authors as one string are read too', async () => {
    const a = await withSidecar('canal-reopens');
    expect(a.title).toBe('Canal reopens to boats after two-year repair');
    expect(a.publishedAt).toBe('2026-02-21T00:00:00.000Z');
    expect(a.contributors).toEqual(['Mia Kohl', 'Tom Berg']);
  });

  it('a newspaper4k document as sidecar: its metadata, not its text', async () => {
    const a = await withSidecar('newspaper-sidecar');
    expect(a.title).toBe('Portugal caps rent rises at 2%');
    expect(a.publishedAt).toBe('2026-03-06T17:45:00.000Z');
    expect(a.dateline).toBe('Lisbon');
    expect(a.contributors).toEqual(['Rui Matos']);
    expect(JSON.stringify(a)).not.toContain('ignored');
  });

  it('an unknown sidecar key is refused, naming the sidecar and its line', async () => {
    const err = await withSidecar('market-hall').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(InvalidArticleError);
    const e = err as InvalidArticleError;
    expect(e.file).toMatch(/market-hall\.json$/);
    expect(e.line).toBe(3);
    expect(e.reason).toMatch(/unknown sidecar key "pubDate"/);
  });

  it('listings leave a sidecar to its text file; a .json alone is an input', () => {
    expect(
      articleFiles([
        'a.txt',
        'a.json',
        'b.json',
        'c.md',
        'c.json',
        'd.html',
        'e/f.txt',
        'e/f.json',
      ]),
    ).toEqual(['a.txt', 'b.json', 'c.md', 'd.html', 'e/f.txt']);
  });
});

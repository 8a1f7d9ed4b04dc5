import { describe, expect, it } from 'vitest';
import { fixture, headings, paragraphs, parseBytes, parseFile } from '../../helpers/article.js';

describe('Markdown articles', () => {
  it('front matter gives id, title, date, url, tags, summary and highlights', () => {
    const a = parseFile(fixture('md', 'front-matter-full.md'));
    expect(a.id).toBe('library-fines-scrapped');
    expect(a.title).toBe('City libraries scrap overdue fines for good');
    expect(a.publishedAt).toBe('2026-09-03T09:00:00.000Z');
    expect(a.url).toBe('https://news.example/libraries/fines-scrapped');
    expect(a.tags).toEqual(['libraries', 'local government']);
    expect(a.summary).toBe(
      'Overdue fines are gone from all 23 city libraries after a trial brought back lapsed readers.',
    );
    expect(a.highlights).toEqual([
      'Fines for late returns ended at all 23 branches',
      'A trial brought back 4,000 lapsed members',
    ]);
    expect(a.source).toBeNull();
    expect(a.dateline).toBeNull();
  });

  it('body: headings and paragraphs as plain text, emphasis and quotes unwrapped', () => {
    const a = parseFile(fixture('md', 'front-matter-full.md'));
    expect(headings(a)).toEqual(['What the trial found']);
    expect(paragraphs(a)).toEqual([
      expect.stringMatching(/^The city’s libraries will no longer charge fines/),
      'Branches that dropped fines saw more books returned, not fewer, according to the council’s report.',
      'About 4,000 people whose cards had been blocked for unpaid fines came back, many of them children.',
      '“Fines were keeping out exactly the people we most wanted in,” said chief librarian Tomasz Nowak.',
      'Borrowers who lose a book will still be asked to pay for a replacement.',
    ]);
  });

  it('`# H1` is the title when front matter has none, and is not repeated in the body', () => {
    const a = parseFile(fixture('md', 'h1-title.md'));
    expect(a.title).toBe('Glacier loses a record 3 meters of ice in one summer');
    expect(a.id).toBe('h1-title');
    expect(a.body.map((b) => b.text)).not.toContain(a.title);
    expect(a.summary).toMatch(/^Researchers measuring the Rhône Glacier/);
  });

  it('a “Highlights” heading followed by a list becomes highlights', () => {
    const a = parseFile(fixture('md', 'h1-title.md'));
    expect(a.highlights).toEqual([
      'Alpine glacier thinned by 3.1 meters on average',
      'Scientists blame an early heat wave and little winter snow',
    ]);
    expect(headings(a)).toEqual(['A thin winter']);
  });

  it('an image becomes media with its alt text as caption; other lists stay in the body', () => {
    const a = parseFile(fixture('md', 'h1-title.md'));
    expect(a.media).toEqual([
      {
        kind: 'image',
        src: 'https://gazette.example/media/glacier-blankets.jpg',
        caption: 'Blankets cover part of the glacier to slow melting',
      },
    ]);
    expect(paragraphs(a)).toContain('ice thickness at 40 stakes');
    expect(a.contributors).toEqual(['Elena Brunner', 'Marco Zaugg']);
  });

  it('an image title wins over its alt text as the caption', () => {
    const a = parseBytes(
      'Lead paragraph here.\n\n![alt words](https://x.example/p.png "The caption")\n',
      'img.md',
    );
    expect(a.media).toEqual([
      { kind: 'image', src: 'https://x.example/p.png', caption: 'The caption' },
    ]);
    expect(paragraphs(a)).toEqual(['Lead paragraph here.']);
  });

  it('a bold “Story highlights” line heads the list like a heading would', () => {
    const a = parseBytes(
      '---\ntitle: T\n---\n**Story highlights**\n\n* one thing\n* another thing\n\nThe lead.\n',
      'bold-highlights.md',
    );
    expect(a.highlights).toEqual(['one thing', 'another thing']);
    expect(a.body).toEqual([{ type: 'paragraph', text: 'The lead.' }]);
  });

  it('without front matter: title from the H1, else derived from the lead', () => {
    const a = parseBytes(
      'Officials in Lagos, the largest city, opened a bridge on Monday.\n',
      'lagos-bridge.md',
    );
    expect(a.title).toBe('Officials in Lagos');
    expect(a.id).toBe('lagos-bridge');
    expect(a.publishedAt).toBe('2026-01-01T00:00:00.000Z');
  });

  it('a wire dateline opening a Markdown lead is read too', () => {
    const a = parseBytes('# T\n\nBeirut, Lebanon (CNN) — The port reopened.\n', 'port.md');
    expect(a.source).toBe('CNN');
    expect(a.dateline).toBe('Beirut, Lebanon');
    expect(paragraphs(a)).toEqual(['The port reopened.']);
  });
});

import { expect, it } from 'vitest';
import { byNewest, editionIdFor, makeEdition } from '../../../src/domain/edition/edition.js';
import { describeSeed, seedArticle, wireArticles } from '../../helpers/render.js';

describeSeed('makeEdition', () => {
  it('keeps the order, and takes subject and preheader from the top story', () => {
    const [a, b, c] = wireArticles(3);
    const edition = makeEdition([b!, a!, c!], { id: '2026-02-09', date: '2026-02-09T18:00:00Z' });
    expect(edition.articles.map((x) => x.id)).toEqual([b!.id, a!.id, c!.id]);
    expect(edition.subject).toBe(`${b!.title} + 2 more`);
    expect(edition.preheader).toBe(b!.highlights[0] ?? b!.summary);
    expect(edition.date).toBe('2026-02-09T18:00:00.000Z');
  });

  it('has no "+ 0 more" for a single story, and falls back to the summary without highlights', () => {
    const seed = seedArticle();
    expect(makeEdition([seed], { id: 'one', date: new Date() }).subject).toBe(seed.title);
    expect(seed.highlights.length).toBeGreaterThan(0);
    const plain = { ...seed, highlights: [] };
    expect(makeEdition([plain], { id: 'one', date: new Date() }).preheader).toBe(seed.summary);
  });

  it('keeps subject and preheader to one line without control characters', () => {
    const seed = {
      ...seedArticle(),
      title: 'Evil\r\nBcc: x@example.com\u0000',
      highlights: ['a\nb'],
    };
    const e = makeEdition([seed], { id: 'x', date: new Date() });
    expect(e.subject).toBe('Evil Bcc: x@example.com');
    expect(e.preheader).toBe('a b');
  });

  it('refuses an empty edition, a bad id and a bad date', () => {
    const seed = seedArticle();
    expect(() => makeEdition([], { id: 'x', date: new Date() })).toThrow(/no articles/);
    expect(() => makeEdition([seed], { id: '../x', date: new Date() })).toThrow(/edition id/);
    expect(() => makeEdition([seed], { id: 'x', date: 'soon' })).toThrow(/invalid date/);
  });
});

describeSeed('byNewest and editionIdFor', () => {
  it('sorts by instant, not by string, and breaks ties by id as Redis does (descending)', () => {
    const seed = seedArticle();
    const a = { ...seed, id: 'a', publishedAt: '2026-01-01T10:00:00Z' };
    const b = { ...seed, id: 'b', publishedAt: '2026-01-01T10:00:00.000Z' };
    const c = { ...seed, id: 'c', publishedAt: '2026-01-01T10:00:00.001Z' };
    expect([a, b, c].sort(byNewest).map((x) => x.id)).toEqual(['c', 'b', 'a']);
  });

  it('names a daily edition by its date in the digest time zone', () => {
    const late = new Date('2026-03-01T23:30:00Z');
    expect(editionIdFor(late, 'UTC')).toBe('2026-03-01');
    expect(editionIdFor(late, 'Europe/Paris')).toBe('2026-03-02');
  });
});

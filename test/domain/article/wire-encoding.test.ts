import { describe, expect, it } from 'vitest';
import { headings, paragraphs, parseBytes, wire } from '../../helpers/article.js';

describe('wire copy as scrapers and editors save it', () => {
  it('hard-wrapped at ~72 columns: lines join back into paragraphs and highlights', () => {
    const a = wire('hard-wrapped');
    expect(a.highlights).toEqual([
      'Record number of humpback whales counted off the coast of eastern Australia',
      'Researchers say the population has almost fully recovered from whaling',
    ]);
    expect(a.dateline).toBe('Sydney, Australia');
    expect(headings(a)).toEqual(['New risks']);
    expect(paragraphs(a)).toHaveLength(5);
    expect(paragraphs(a)[1]).toBe(
      'Observers on a headland near Sydney counted 5,412 whales between May and August, up from about 4,800 last year.',
    );
    expect(paragraphs(a)[2]).toContain('22 years. “Now on a good day we see a hundred');
    expect(a.title).toBe(
      'A record number of humpback whales has been counted migrating along the coast…',
    );
  });

  it('CRLF line endings read like LF', () => {
    const a = wire('crlf');
    expect(a.dateline).toBe('Lisbon, Portugal');
    expect(a.highlights).toHaveLength(2);
    expect(paragraphs(a)).toHaveLength(5);
    expect(a.contributors).toEqual(['Inês Cardoso']);
    expect(JSON.stringify(a)).not.toContain('\r');
  });

  it('a byte-order mark before a no-break-space dateline line', () => {
    const a = wire('bom');
    expect(a.source).toBe('CNN');
    expect(a.title).toMatch(/^A Japanese startup has begun delivering groceries by drone/);
    expect(JSON.stringify(a)).not.toMatch(/\ufeff|\u00a0/);
  });

  it('tabs become single spaces, also inside the dateline and a subheading', () => {
    const a = wire('tabs');
    expect(a.source).toBe('CNN');
    expect(headings(a)).toEqual(['Compensation and appeals']);
    expect(paragraphs(a)[1]).toBe(
      'The ruling covers about 26,000 residents of towns along the river downstream of the dam.',
    );
    expect(JSON.stringify(a)).not.toContain('\\t');
  });

  it('U+202F and U+2007 spaces become plain spaces', () => {
    const a = wire('narrow-spaces');
    expect(a.dateline).toBe('Grenoble, France');
    expect(a.highlights[1]).toBe(
      'Snowfall below 1,500 meters has fallen by a third since the 1990s',
    );
    expect(paragraphs(a)[2]).toContain('about € 1.8 million last winter');
    expect(JSON.stringify(a)).not.toMatch(/[\u00a0\u2007\u202f]/);
  });

  it('front matter overrides title, id and date; the dateline still comes from the text', () => {
    const a = wire('front-matter');
    expect(a.id).toBe('pension-reform-vote');
    expect(a.title).toBe('Parliament backs pension reform after all-night session');
    expect(a.publishedAt).toBe('2026-04-14T06:30:00.000Z');
    expect(a.url).toBe('https://gazette.example/articles/pension-reform-vote');
    expect(a.tags).toEqual(['politics', 'pensions']);
    expect(a.dateline).toBe('Rome');
    expect(a.summary).toMatch(/^Italy’s parliament approved a contested pension reform/);
    expect(a.contributors).toEqual(['Paolo Rinaldi']);
  });

  it('soft hyphens, zero-width spaces and word joiners vanish, also from the dateline', () => {
    const a = parseBytes(
      'CNN\u00a0—\u200b\n\nThe ferry\u00ad service resumed on Monday\u2060, officials said.\n',
      'invisible.txt',
    );
    expect(a.source).toBe('CNN');
    expect(a.body).toEqual([
      { type: 'paragraph', text: 'The ferry service resumed on Monday, officials said.' },
    ]);
    expect(a.title).toBe('The ferry service resumed on Monday');
  });

  it('keeps curly quotes and em dashes as written', () => {
    const text = wire('paren-emdash')
      .body.map((b) => b.text)
      .join('\n');
    expect(text).toContain('stolen art — a check');
    expect(text).toContain('“It is like having a member of the family come home,”');
  });
});

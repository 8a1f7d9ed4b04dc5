import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { ArticleSchema } from '../../../src/domain/article/index.js';
import { describeSeed, headings, paragraphs, parseFile, SITE_URL } from '../../helpers/article.js';

// The reference sample is read where it lives (../shared), never copied into the repository.
describeSeed('the reference wire sample', (seed) => {
  const a = parseFile(seed);
  const raw = readFileSync(seed, 'utf8');
  const bodyText = a.body.map((b) => b.text);

  it('is a valid Article with the id, url and date rules', () => {
    expect(ArticleSchema.parse(a)).toEqual(a);
    expect(a.id).toBe('wire-article');
    expect(a.url).toBe(`${SITE_URL}/articles/wire-article`);
    expect(a.publishedAt).toBe('2026-01-01T00:00:00.000Z');
    expect(a.tags).toEqual([]);
  });

  it('derives the title from the lead sentence’s first clause', () => {
    expect(a.title).toBe('Syrian forces recaptured Palmyra from ISIS on Sunday');
  });

  it('takes the dateline as source CNN with no place', () => {
    expect(a.source).toBe('CNN');
    expect(a.dateline).toBeNull();
  });

  it('reads the three highlights in order', () => {
    expect(a.highlights).toHaveLength(3);
    expect(a.highlights[0]).toMatch(/^NEW: Syrian news agency quotes army forces/);
    expect(a.highlights[1]).toBe('The militants seized control of Palmyra in May');
    expect(a.highlights[2]).toBe("Syria's army dismantles explosives left behind by ISIS");
  });

  it('has 4 headings and 22 paragraphs, in reading order', () => {
    expect(headings(a)).toEqual([
      'Palmyra Castle',
      'Months of destruction',
      'Antiquities expert beheaded',
      'ISIS claims it’s in control',
    ]);
    expect(paragraphs(a)).toHaveLength(22);
    expect(a.body).toHaveLength(26);
    expect(a.body[4]).toEqual({ type: 'heading', text: 'Palmyra Castle' });
    expect(a.body.at(-1)).toEqual({
      type: 'paragraph',
      text: 'CNN cannot independently verify the authenticity of the video.',
    });
  });

  it('makes the summary the lead paragraph, dateline removed', () => {
    expect(a.summary).toBe(paragraphs(a)[0]);
    expect(a.summary).toMatch(
      /^Syrian forces recaptured Palmyra from ISIS on Sunday, months after/,
    );
    expect(a.summary.endsWith('state media reported.')).toBe(true);
  });

  it('reads the three credited contributors from the tagline', () => {
    expect(a.contributors).toEqual(['Michael Martinez', 'Yousuf Basil', 'Archith Seshadri']);
  });

  it('describes one unavailable 10-second video with the .jpg as its poster', () => {
    expect(a.media).toEqual([
      {
        kind: 'video',
        poster: 'palmyra drone footage rossiya 24 vos_00001630.jpg',
        credit: 'Rossiya 24',
        durationSeconds: 10,
        available: false,
      },
    ]);
  });

  it('keeps media, highlight, tagline and dateline text out of the body', () => {
    for (const text of bodyText) {
      expect(text).not.toMatch(/\.jpg|no longer available|Source:|Story highlights/i);
      expect(text).not.toMatch(/contributed to this report/);
      expect(text).not.toMatch(/^CNN\s*—|^\(CNN\)/);
      for (const h of a.highlights) expect(text).not.toBe(h);
    }
  });

  it('keeps typography and turns no-break spaces into plain ones', () => {
    expect(raw).toContain('\u00a0');
    expect(JSON.stringify(a)).not.toContain('\u00a0');
    expect(bodyText.join('\n')).toContain('“This victory helps');
    expect(bodyText.join('\n')).toContain('world’s most treasured');
  });
});

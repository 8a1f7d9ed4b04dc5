import { describe, expect, it } from 'vitest';
import { headings, paragraphs, parseBytes, titleProblem, wire } from '../../helpers/article.js';

describe('promo, related links and debris around the story', () => {
  const a = wire('promo-preamble');

  it('a call to send photos above a dateline lead is neither lead, title nor summary', () => {
    expect(a.source).toBe('CNN');
    expect(paragraphs(a)[0]).toMatch(/^A blizzard closed three interstates/);
    expect(a.summary).toBe(paragraphs(a)[0]);
    expect(titleProblem(a.title, paragraphs(a)[0]!)).toBeUndefined();
  });

  it('subheads may ask, trail off, or close a quote', () => {
    expect(headings(a)).toEqual([
      'How long will it last?',
      'Roads, rails ...',
      '... and runways',
      'A ‘once in a decade’ storm',
    ]);
  });

  it('related links (kicker, hashtag, listicle, last before the credit) are dropped', () => {
    expect(paragraphs(a)).toHaveLength(8);
    const body = JSON.stringify(a.body);
    for (const link of ['Travel tips', '#Snowday', '7 ways', 'Airlines ease rules', 'Send us']) {
      expect(body).not.toContain(link);
    }
    expect(a.contributors).toEqual(['Hana Reyes', 'Omar Lund']);
  });

  it('headlines in title case between paragraphs are links, not subheads', () => {
    const b = wire('related-title-case');
    expect(headings(b)).toEqual([]);
    expect(paragraphs(b)).toHaveLength(3);
    expect(JSON.stringify(b.body)).not.toMatch(/Kitten|Hardware Store|contributed/);
  });

  it('fused player debris, fused highlights, social embeds and an update trailer', () => {
    const b = wire('debris-fused');
    expect(b.highlights).toEqual(['A new bridge opens across the Danube in Budapest']);
    expect(b.media).toEqual([
      { kind: 'video', caption: "Budapest's new bridge opens", durationSeconds: 72 },
    ]);
    expect(paragraphs(b)).toEqual([
      expect.stringMatching(/^A new bridge across the Danube opened/),
      'Thousands of people walked across it in the first hour, city officials said.',
      "The bridge links the Castle District with the city's main market hall.",
    ]);
    expect(JSON.stringify(b.body)).not.toMatch(/WATCH|posted by|pic\.twitter|updated/);
  });
});

describe('what closes a story besides its text', () => {
  it('promo lines, an outlet’s possessive credit, a correction note and a rights line', () => {
    const a = wire('trailers');
    expect(a.source).toBe('CNN');
    expect(a.contributors).toEqual(['Lara Quinn', 'Tomas Reed']);
    expect(paragraphs(a)).toEqual([
      expect.stringMatching(/^Dock workers in the port of Halden ended/),
      expect.stringMatching(/^Cranes were moving again/),
      'The deal raises wages by 11% over three years.',
    ]);
    expect(JSON.stringify(a.body)).not.toMatch(
      /Follow @|Click here|version of the story|Copyright/,
    );
  });

  it('a paragraph that only starts like a rights line or a promo stays', () => {
    const a = parseBytes(
      [
        'Copyright lawyers said on Monday that the ruling would change how music is licensed.',
        'Follow-up hearings are set for June, the court said.',
        'Share prices of the labels rose after the decision.',
      ].join('\n\n'),
      'copyright.txt',
    );
    expect(paragraphs(a)).toHaveLength(3);
  });
});

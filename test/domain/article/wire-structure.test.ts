import { describe, expect, it } from 'vitest';
import { headings, paragraphs, parseBytes, wire } from '../../helpers/article.js';

describe('story highlights', () => {
  it('followed by a dateline line of its own', () => {
    const a = wire('highlights-dateline-line');
    expect(a.highlights).toEqual([
      'Volcano on Iceland’s Reykjanes peninsula erupts for the ninth time since 2023',
      'Residents of Grindavík evacuated overnight as a precaution',
      'Airport remains open, officials say',
    ]);
    expect(a.source).toBe('CNN');
    expect(paragraphs(a)[0]).toMatch(/^A volcano on Iceland’s Reykjanes peninsula erupted/);
  });

  it('followed by the lead with no dateline at all', () => {
    const a = wire('highlights-no-dateline');
    expect(a.highlights).toHaveLength(3);
    expect(a.highlights[2]).toBe('Council will offer rebates of up to $400 per machine');
    expect(a.source).toBeNull();
    expect(paragraphs(a)).toHaveLength(6);
    expect(a.summary).toMatch(/^The city council of Fairhaven voted 7 to 2/);
  });

  it('followed by a dateline opening the lead paragraph', () => {
    const a = wire('highlights-lead-dateline');
    expect(a.highlights).toEqual([
      'Heat wave breaks June records in five European capitals',
      'Paris and Madrid top 40 degrees Celsius',
      'Health officials urge people to check on elderly neighbors',
    ]);
    expect(a.source).toBe('CNN');
    expect(paragraphs(a)[0]).toMatch(/^Temperatures soared past 40 degrees Celsius/);
    const b = wire('highlights-place-nospace');
    expect(b.highlights).toHaveLength(2);
    expect(b.dateline).toBe('Nairobi, Kenya');
    expect(paragraphs(b)[0]).toMatch(/^Kenya’s first weather satellite/);
  });

  it('as consecutive lines with no blank line between items', () => {
    const a = wire('highlights-consecutive');
    expect(a.highlights).toEqual([
      'Norway opens the world’s longest road tunnel under the sea',
      'The 27-kilometer tunnel cuts travel time between two cities by 40 minutes',
      'Toll will be waived for the first month',
    ]);
    expect(paragraphs(a)).toHaveLength(4);
  });

  it('listed line by line with full stops, each line stays one item', () => {
    const a = parseBytes(
      [
        'Story highlights',
        'The harbour bridge reopens after a two-year repair job.',
        'Engineers replaced 1,400 rivets and the whole road deck.',
        '',
        '(CNN) -- The bridge reopened on Saturday, two years after it was closed.',
        '',
        'Hundreds of residents walked across it before the first cars.',
      ].join('\n'),
      'listed.txt',
    );
    expect(a.highlights).toEqual([
      'The harbour bridge reopens after a two-year repair job.',
      'Engineers replaced 1,400 rivets and the whole road deck.',
    ]);
    expect(paragraphs(a)).toHaveLength(2);
  });

  it('never repeat in the body', () => {
    for (const name of ['highlights-dateline-line', 'highlights-no-dateline', 'all-elements']) {
      const a = wire(name);
      const texts = a.body.map((b) => b.text);
      for (const h of a.highlights) expect(texts).not.toContain(h);
      expect(texts).not.toContain('Story highlights');
    }
  });
});

describe('subheadings', () => {
  it('are short unpunctuated lines between paragraphs', () => {
    expect(headings(wire('paren-ascii'))).toEqual(['Sandbag lines']);
    expect(headings(wire('place-paren'))).toEqual(['What the studios say']);
    expect(headings(wire('all-elements'))).toEqual(['Why the south pole?', 'A race to the pole']);
  });

  it('a short question standing alone between paragraphs is a subhead too', () => {
    const a = wire('subheading-question');
    expect(headings(a)).toEqual(['How does it work?', 'Why it matters']);
    expect(a.body[2]).toEqual({ type: 'heading', text: 'How does it work?' });
  });
});

describe('contributor taglines', () => {
  it('“CNN’s X in City and Y contributed to this report.”', () => {
    const a = wire('tagline-city');
    expect(a.contributors).toEqual(['Selin Aydın', 'Mark Halloran']);
    expect(paragraphs(a).at(-1)).toMatch(/^Rights groups said/);
  });

  it('“X contributed reporting.”', () => {
    const a = wire('tagline-reporting');
    expect(a.contributors).toEqual(['Priya Raman']);
    expect(paragraphs(a).join(' ')).not.toContain('contributed');
  });

  it('a “reported from” credit line and a tagline, both at the end', () => {
    const a = wire('tagline-two-lines');
    expect(a.contributors).toEqual(['Tomás Herrera', 'Ana Lucía Prieto', 'Kevin O’Brien']);
    expect(paragraphs(a).at(-1)).toBe(
      'The bill now goes to the Senate, where it is expected to pass.',
    );
  });

  it('a last paragraph saying “CNN’s X reported from Y.” alone is news, not a credit', () => {
    const a = parseBytes(
      '(CNN) -- Voters queued for hours in the capital.\n\nCNN’s Anderson Cooper reported from Baghdad.\n',
      'reported-from.txt',
    );
    expect(a.contributors).toEqual([]);
    expect(paragraphs(a)).toEqual([
      'Voters queued for hours in the capital.',
      'CNN’s Anderson Cooper reported from Baghdad.',
    ]);
  });

  it('a paragraph that merely mentions “CNN’s Anderson Cooper” stays a paragraph', () => {
    const a = wire('mention-cnn');
    expect(a.contributors).toEqual([]);
    expect(paragraphs(a)).toHaveLength(6);
    expect(paragraphs(a)[1]).toMatch(/told CNN’s Anderson Cooper that talks/);
    expect(paragraphs(a)[4]).toMatch(/^CNN's Anderson Cooper asked Keane/);
  });
});

describe('every element at once', () => {
  const a = wire('all-elements');

  it('front matter date and tags, dateline line, highlights', () => {
    expect(a.publishedAt).toBe('2026-02-09T00:00:00.000Z');
    expect(a.tags).toEqual(['science', 'space']);
    expect(a.id).toBe('all-elements');
    expect(a.source).toBe('CNN');
    expect(a.dateline).toBeNull();
    expect(a.highlights).toHaveLength(3);
    expect(a.title).toBe(
      'A privately built spacecraft landed near the Moon’s south pole on Monday',
    );
  });

  it('the media group and its player debris make one video; debris mid-story another', () => {
    expect(a.media).toEqual([
      {
        kind: 'video',
        poster: 'lunar lander touchdown mission control 0007.jpg',
        caption: 'Moments before the lander touched down',
        credit: 'JAXA',
        durationSeconds: 34,
        available: false,
      },
      { kind: 'video', caption: 'How the lander will hunt for ice', durationSeconds: 135 },
    ]);
  });

  it('body: 8 paragraphs and 2 headings; the tagline is contributors', () => {
    expect(paragraphs(a)).toHaveLength(8);
    expect(headings(a)).toContain('Why the south pole?');
    expect(a.contributors).toEqual(['Aiko Tanaka', 'Rahul Bose', 'Claire Dubois']);
    expect(JSON.stringify(a.body)).not.toMatch(/contributed|JUST WATCHED|\.jpg|---/);
  });
});

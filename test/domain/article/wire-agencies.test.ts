import { describe, expect, it } from 'vitest';
import { headings, paragraphs, titleProblem, wire } from '../../helpers/article.js';

// Our own stories in the forms agencies and the sites that run their copy use.
describe('agency datelines, stamps and credit lines', () => {
  it('Reuters: gallery caption and teaser above, two places, caps subheads, credit line', () => {
    const a = wire('agency-reuters-gallery');
    expect(a.source).toBe('Reuters');
    expect(a.dateline).toBe('Dresden/Prague');
    expect(paragraphs(a)[0]).toMatch(/^Towns along the Elbe braced on Monday/);
    expect(a.media).toEqual([
      {
        kind: 'image',
        caption: 'Volunteers stack sandbags along the river embankment in Dresden March 2, 2026.',
        credit: 'REUTERS/Anna Keller',
      },
    ]);
    expect(headings(a)).toEqual(['WILL THE BARRIERS HOLD?', 'LESSONS OF 2002']);
    // Reporters and the writer are contributors; the editor is not.
    expect(a.contributors).toEqual(['Lena Brandt', 'Tomas Novak', 'Petra Dvorak', 'Oliver Hale']);
    expect(JSON.stringify(a.body)).not.toMatch(/strangest museums|Reporting by|Simon Grey|1 of 3/);
    expect(paragraphs(a)).toHaveLength(6);
  });

  it('AP stamp line: the agency is the source, its date the publication date', () => {
    const a = wire('agency-ap-stamp');
    expect(a.source).toBe('Associated Press');
    expect(a.dateline).toBeNull();
    expect(a.publishedAt).toBe('2026-03-03T00:00:00.000Z');
    expect(a.contributors).toEqual(['Maria Ochoa']);
    expect(paragraphs(a)).toHaveLength(3);
    expect(JSON.stringify(a.body)).not.toMatch(/Published|contributed/);
  });

  it.each([
    ['agency-upi', 'UPI', 'Washington', /^The Senate on Wednesday confirmed/],
    ['agency-afp-caps', 'AFP', 'Rio de Janeiro', /^Thousands of dancers/],
    ['agency-ap-dateline', 'AP', 'New Orleans', /^The city will spend \$40 million/],
    ['yahoo-preamble', 'Reuters', 'Berlin', /^Germany's largest zoo welcomed/],
  ])('%s: source %s, place %s in normal case', (name, source, place, lead) => {
    const a = wire(name);
    expect(a.source).toBe(source);
    expect(a.dateline).toBe(place);
    expect(paragraphs(a)[0]).toMatch(lead);
    expect(JSON.stringify(a.body)).not.toMatch(/\((?:UPI|AFP|AP|Reuters)\)|View photo|"\."/);
  });

  it('an outlet that only contributed is a contributor, not the source', () => {
    const a = wire('agency-ap-dateline');
    expect(a.contributors).toEqual(['The Associated Press']);
    const b = wire('related-title-case');
    expect(b.source).toBeNull();
    expect(b.contributors).toEqual(['The Associated Press']);
  });

  it('a lone `.` and `View photo` above the story are not refused, and not the lead', () => {
    const a = wire('yahoo-preamble');
    expect(headings(a)).toEqual(["'A SMALL MIRACLE'"]);
    expect(a.contributors).toEqual(['Klara Weiss']);
    expect(titleProblem(a.title, paragraphs(a)[0]!)).toBeUndefined();
  });
});

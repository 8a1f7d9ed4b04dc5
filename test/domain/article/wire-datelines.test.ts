import { describe, expect, it } from 'vitest';
import { paragraphs, wire } from '../../helpers/article.js';

describe('wire datelines', () => {
  // [fixture, source, place, how the lead reads once its dateline is gone]
  const cases: [string, string | null, string | null, string][] = [
    ['paren-ascii', 'CNN', null, 'Rescue crews in the river town of Marlow Ferry pulled 14 people'],
    [
      'paren-emdash',
      'CNN',
      null,
      'A 17th-century still life stolen from a Dutch provincial museum',
    ],
    [
      'paren-nospace',
      'CNN',
      null,
      'A Swedish maker of electric bicycles is recalling about 38,000',
    ],
    ['place-paren', 'CNN', 'Los Angeles', 'Striking animation workers voted to return'],
    ['place-country', 'CNN', 'Beirut, Lebanon', 'Cargo ships began unloading at the rebuilt'],
    ['paren-place-nospace', 'CNN', 'Hong Kong', 'Thousands of commuters were stranded'],
    ['caps-place', 'CNN', 'Washington', 'The Senate passed a bill on Wednesday'],
    [
      'line-nbsp',
      'CNN',
      null,
      'Kenyan runner Faith Wanjiru broke the women’s marathon world record',
    ],
    ['bare-lead', 'CNN', null, 'The European Central Bank held interest rates steady'],
    [
      'dateline-own-line-paren',
      'CNN',
      'London',
      'The British Museum will lend one of its Benin Bronzes',
    ],
    ['no-dateline', null, null, 'A rare white moose calf has been spotted in northern Sweden'],
  ];

  it.each(cases)('%s: source %s, place %s', (name, source, place, lead) => {
    const a = wire(name);
    expect(a.source).toBe(source);
    expect(a.dateline).toBe(place);
    expect(paragraphs(a)[0]).toMatch(new RegExp(`^${lead}`));
    expect(a.summary).toBe(paragraphs(a)[0]);
    for (const b of a.body) expect(b.text).not.toMatch(/\(CNN\)|^CNN\s*[—-]|^WASHINGTON/);
  });

  it('derives titles from the first clause, not cutting numbers at their thousands comma', () => {
    expect(wire('paren-ascii').title).toBe(
      'Rescue crews in the river town of Marlow Ferry pulled 14 people…',
    );
    expect(wire('place-paren').title).toBe(
      'Striking animation workers voted to return to the studios on Friday',
    );
    expect(wire('media-clip-first').title).toBe(
      'More than 6,000 volunteers collected about 12 tons of trash…',
    );
    expect(wire('lead-quote').title).toBe('We will rebuild every house on this street');
  });

  it('cuts a long first clause before a phrase, marked with …, at most 90 characters', () => {
    const { title } = wire('long-lead');
    expect(title).toBe('The Federal Aviation Administration on Monday ordered inspections…');
    for (const name of ['no-dateline', 'bare-lead', 'place-country', 'tabs']) {
      const t = wire(name).title;
      expect(t.length).toBeLessThanOrEqual(90);
      expect(t).not.toMatch(/[\s.,;:!?]$/);
    }
  });
});

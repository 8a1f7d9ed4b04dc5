import fc from 'fast-check';

/** Generators of wire copy for the property tests: random prose in the shapes scrapers produce. */

const WORDS = (
  'the council river harbor voted on monday after a long debate over new rules for ferry ' +
  'workers and families in the northern valley where police said rain fell while officials ' +
  'warned that prices could rise by march engineers built 1,200 homes near an old bridge ' +
  'school “quiet” farmers’ city’s reported state media'
).split(' ');
const NAMES = 'Ana Bruno Chen Dara Eitan Fatima Goran Hana Ivo Jomo Kofi Lena'.split(' ');

const cap = (w: string): string => w.charAt(0).toUpperCase() + w.slice(1);

const sentence = fc
  .array(fc.constantFrom(...WORDS), { minLength: 3, maxLength: 16 })
  .chain((ws) =>
    fc
      .constantFrom('.', '.', '.', ', officials said.', ' — for now.')
      .map((end) => `${cap(ws.join(' '))}${end}`),
  );

const paragraph = fc.array(sentence, { minLength: 1, maxLength: 3 }).map((ss) => ss.join(' '));

const titleWords = (min: number, max: number) =>
  fc
    .array(fc.constantFrom(...WORDS.filter((w) => /^[a-z]+$/.test(w))), {
      minLength: min,
      maxLength: max,
    })
    .map((ws) => cap(ws.join(' ')));

const name = fc
  .tuple(fc.constantFrom(...NAMES), fc.constantFrom(...NAMES))
  .map(([a, b]) => `${a} ${b}son`);

const DATELINES: {
  text: string;
  own: boolean;
  source: string | null;
  place: string | null;
}[] = [
  { text: 'CNN\u00a0—\u00a0', own: true, source: 'CNN', place: null },
  { text: '(CNN) -- ', own: false, source: 'CNN', place: null },
  { text: '(CNN) — ', own: false, source: 'CNN', place: null },
  { text: '(CNN)', own: false, source: 'CNN', place: null },
  { text: 'Los Angeles (CNN) -- ', own: false, source: 'CNN', place: 'Los Angeles' },
  { text: 'Beirut, Lebanon (CNN) — ', own: false, source: 'CNN', place: 'Beirut, Lebanon' },
  { text: 'CNN — ', own: false, source: 'CNN', place: null },
  // Agencies set the place in capitals; the Article keeps it in normal case.
  { text: 'WASHINGTON (CNN) -- ', own: false, source: 'CNN', place: 'Washington' },
  { text: 'JAKARTA (Reuters) - ', own: false, source: 'Reuters', place: 'Jakarta' },
  { text: 'NEW YORK (AP) — ', own: false, source: 'AP', place: 'New York' },
];

const MEDIA_LINES = [
  'harbor view 0042.jpg',
  'This video is no longer available',
  '01:23 - Source: KXTV',
];

const debris = titleWords(2, 6).map((t) =>
  ['JUST WATCHED', t, 'Replay', 'More Videos ...', 'MUST WATCH', `${t} 01:23`].join('\n\n'),
);

/** Greedy hard wrap, as `fmt -w` or an editor's "reflow" would do it. */
export function hardWrap(text: string, width: number): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return [...lines, line].join('\n');
}

export interface WireStory {
  text: string;
  /** The body the parser should find: paragraphs (the lead without its dateline) and headings. */
  body: { type: 'paragraph' | 'heading'; text: string }[];
  paragraphs: string[];
  headings: string[];
  highlights: string[];
  contributors: string[];
  dateline: (typeof DATELINES)[number] | null;
  /** The column the paragraphs were hard-wrapped at, or 0. */
  wrapped: number;
}

/** Well-formed wire copy: every element optional, in the order scrapers emit them. */
export const wireStory: fc.Arbitrary<WireStory> = fc
  .record({
    media: fc
      .subarray(MEDIA_LINES)
      .chain((ls) => fc.shuffledSubarray(ls, { minLength: ls.length })),
    topDebris: fc.option(debris, { nil: undefined }),
    highlights: fc.array(titleWords(3, 10), { maxLength: 4 }),
    dateline: fc.option(fc.constantFrom(...DATELINES), { nil: null }),
    paragraphs: fc.array(paragraph, { minLength: 1, maxLength: 12 }),
    headings: fc.array(fc.tuple(fc.nat(), titleWords(2, 5)), { maxLength: 3 }),
    midDebris: fc.option(fc.tuple(fc.nat(), debris), { nil: undefined }),
    contributors: fc.uniqueArray(name, { maxLength: 3 }),
    crlf: fc.boolean(),
    wrap: fc.constantFrom(0, 0, 60, 72, 80),
  })
  .map((r) => {
    const blocks: string[] = [];
    if (r.media.length) blocks.push(r.media.join('\n'));
    if (r.topDebris) blocks.push(r.topDebris);
    if (r.highlights.length) blocks.push('Story highlights', ...r.highlights);
    if (r.dateline?.own) blocks.push(r.dateline.text);
    const lead = r.dateline && !r.dateline.own ? r.dateline.text : '';
    const body: { heading?: true; raw?: true; text: string }[] = r.paragraphs.map((p, k) => ({
      text: k === 0 ? lead + p : p,
    }));
    // Subheadings and player debris stand between paragraphs, never first or last; a subhead
    // heads text, so never two in a row (a short line before another is a link: subheads.ts).
    const between = (at: number) => 1 + (at % (body.length - 1));
    for (const [at, h] of r.headings) {
      const k = between(at);
      if (body.length > 1 && !body[k]?.heading && !body[k - 1]?.heading) {
        body.splice(k, 0, { heading: true, text: h });
      }
    }
    const headings = body.filter((b) => b.heading).map((b) => b.text);
    const expected = body.map((b, k) => ({
      type: b.heading ? ('heading' as const) : ('paragraph' as const),
      text: b.heading
        ? b.text
        : (r.paragraphs[k - body.slice(0, k).filter((x) => x.heading).length] ?? ''),
    }));
    if (r.midDebris && body.length > 1) {
      body.splice(between(r.midDebris[0]), 0, { raw: true, text: r.midDebris[1] });
    }
    blocks.push(
      ...body.map((b) => (r.wrap && !b.heading && !b.raw ? hardWrap(b.text, r.wrap) : b.text)),
    );
    if (r.contributors.length) {
      const names =
        r.contributors.length > 1
          ? `${r.contributors.slice(0, -1).join(', ')} and ${r.contributors.at(-1)}`
          : r.contributors[0];
      blocks.push(`CNN’s ${names} contributed to this report.`);
    }
    const text = `${blocks.join('\n\n')}\n`;
    return {
      text: r.crlf ? text.replace(/\n/g, '\r\n') : text,
      body: expected,
      paragraphs: r.paragraphs,
      headings,
      highlights: r.highlights,
      contributors: r.contributors,
      dateline: r.dateline,
      wrapped: r.wrap,
    };
  });

const PIECES = [
  ...MEDIA_LINES,
  ...DATELINES.map((d) => d.text),
  'Story highlights',
  'JUST WATCHED',
  'MUST WATCH',
  'Replay',
  'More Videos ...',
  '---',
  '...',
  'title: x',
  'date: 2016-02-30',
  'id: Bad Id',
  '# Heading',
  '- item',
  '![alt](p.png)',
  '```',
  "CNN's A and B contributed to this report.",
  '\n',
  '\n\n',
  '\r\n',
  '\t',
  ' ',
  '\u00a0',
  '\u202f',
  '\u2028',
  '\ufeff',
  '“',
  '”',
  '—',
  '--',
  ',',
  '.',
  '?',
  'Word',
  'word',
  '00:10',
];

/** Anything at all: random strings, random bytes, and wire elements strewn among them. */
export const anyText: fc.Arbitrary<string | Uint8Array> = fc.oneof(
  fc.string({ maxLength: 400 }),
  fc.string({ unit: 'binary', maxLength: 400 }),
  fc.string({ unit: 'grapheme', maxLength: 200 }),
  fc.uint8Array({ maxLength: 200 }),
  fc
    .array(fc.oneof(fc.constantFrom(...PIECES), fc.string({ maxLength: 12 })), { maxLength: 60 })
    .map((ps) => ps.join('')),
  fc
    .tuple(wireStory, fc.nat(), fc.string({ unit: 'binary', maxLength: 30 }))
    .map(
      ([s, at, junk]) =>
        s.text.slice(0, at % (s.text.length + 1)) + junk + s.text.slice(at % (s.text.length + 1)),
    ),
);

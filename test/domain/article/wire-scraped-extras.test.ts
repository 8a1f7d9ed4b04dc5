import { describe, expect, it } from 'vitest';
import { InvalidArticleError } from '../../../src/runtime/errors.js';
import { fixture, headings, paragraphs, parseFile, wire } from '../../helpers/article.js';

describe('what else scrapers leave in wire copy', () => {
  it('no blank lines at all: one line per paragraph, highlights, dateline line, tagline', () => {
    const a = wire('no-blank-lines');
    expect(a.highlights).toHaveLength(2);
    expect(a.source).toBe('CNN');
    expect(headings(a)).toEqual(['Emergency arrangements']);
    expect(paragraphs(a)).toHaveLength(4);
    expect(a.contributors).toEqual(['Ewan Grant']);
  });

  it('a photo gallery (Photos: / caption / Hide Caption / k of n) becomes images', () => {
    const a = wire('gallery');
    expect(a.media).toEqual([
      { kind: 'image', caption: 'A tram crosses the Charles Bridge on a winter morning in 1954.' },
      { kind: 'image', caption: 'Children play football in a courtyard in Vinohrady.' },
    ]);
    expect(paragraphs(a)).toHaveLength(4);
    expect(JSON.stringify(a.body)).not.toMatch(/Photos:|Hide Caption|\d of \d/);
  });

  it('a byline and a time stamp above the story: byline names are contributors', () => {
    const a = wire('byline-stamp');
    expect(a.contributors).toEqual(['Petra Novak', 'Ian Moss']);
    expect(a.source).toBe('CNN');
    expect(a.title).toBe(
      'Czech lawmakers voted on Sunday to give the country’s oldest brewery protected status',
    );
    expect(paragraphs(a)).toHaveLength(3);
  });

  it('an editor’s note stays in the body, but the lead and its dateline come after it', () => {
    const a = wire('editors-note');
    expect(a.dateline).toBe('Innsbruck, Austria');
    expect(paragraphs(a)[0]).toMatch(/^Editor’s Note:/);
    expect(paragraphs(a)[1]).toMatch(/^Rescuers recovered the bodies/);
    expect(a.summary).toBe(paragraphs(a)[1]);
    expect(a.title).toMatch(/^Rescuers recovered the bodies of two ski tourers/);
  });

  it('player debris split in two by a paragraph: each half a clip, the paragraph kept', () => {
    const a = wire('debris-partial');
    expect(a.media).toEqual([
      { kind: 'video', caption: 'Folding tablet goes on sale' },
      { kind: 'video', caption: 'Folding tablet bend test', durationSeconds: 130 },
    ]);
    expect(paragraphs(a)).toEqual([
      expect.stringMatching(/^Shoppers in Seoul queued overnight/),
      'Early reviews praised the screen but said the device was heavy for its size.',
      'The company expects to sell a million units in the first year.',
    ]);
  });
});

describe('junk saved as .txt', () => {
  it.each([
    ['windows-1252.txt', 3, /not valid UTF-8 text: byte 0xE9/],
    ['png-named-txt.txt', 3, /binary data/],
    ['random-junk.txt', undefined, /binary data|not valid UTF-8/],
  ])('%s is an InvalidArticleError', (name, line, what) => {
    let err: unknown;
    try {
      parseFile(fixture('bad', name));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InvalidArticleError);
    expect((err as InvalidArticleError).reason).toMatch(what);
    expect((err as InvalidArticleError).file).toBe(name);
    if (line !== undefined) expect((err as InvalidArticleError).line).toBe(line);
  });
});

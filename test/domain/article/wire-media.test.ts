import { describe, expect, it } from 'vitest';
import { allText, paragraphs, wire } from '../../helpers/article.js';

const MEDIA_TEXT = /\.jpg|no longer available|Source:|JUST WATCHED|MUST WATCH|Replay|More Videos/;

describe('wire media lines', () => {
  it('a bare image file name alone is an image', () => {
    const a = wire('media-image');
    expect(a.media).toEqual([{ kind: 'image', src: 'harbor seal pup rescue cornwall 0412.jpg' }]);
    expect(a.source).toBe('CNN');
  });

  it('notice, picture and clip caption in any order make one video', () => {
    const expected = {
      kind: 'video',
      poster: 'tornado oklahoma storm chaser kfor 02.jpg',
      credit: 'KFOR',
      durationSeconds: 83,
      available: false,
    };
    expect(wire('media-unavailable-first').media).toEqual([expected]);
    expect(wire('media-clip-first').media).toEqual([
      {
        kind: 'video',
        poster: 'beach cleanup santa monica volunteers.jpg',
        credit: 'KTLA',
        durationSeconds: 127,
      },
    ]);
  });

  it('two groups separated by a blank line are two items, credit lines included', () => {
    const a = wire('media-two-groups');
    expect(a.media).toEqual([
      { kind: 'image', src: 'mountain rescue helicopter alps 01.jpg', credit: 'Swiss Air Rescue' },
      { kind: 'video', credit: 'RTS', durationSeconds: 48, available: false },
    ]);
    expect(a.highlights).toHaveLength(2);
    expect(a.source).toBe('CNN');
  });

  it('media, highlights and dateline with no blank lines between them', () => {
    const a = wire('media-no-blank');
    expect(a.media).toEqual([
      {
        kind: 'video',
        poster: 'lighthouse keeper retires maine.jpg',
        credit: 'WMTW',
        durationSeconds: 192,
      },
    ]);
    expect(a.highlights).toEqual([
      'Maine’s last resident lighthouse keeper retires after 38 years',
      'The lighthouse will be run automatically from next month',
    ]);
    expect(a.source).toBe('CNN');
    expect(paragraphs(a)[0]).toMatch(/^For 38 years, Walter Pryce climbed/);
    // `For 38 years` is too short for a headline: the title runs on to a phrase's end.
    expect(a.title).toBe('For 38 years, Walter Pryce climbed the 67 steps…');
  });

  for (const name of [
    'media-image',
    'media-unavailable-first',
    'media-two-groups',
    'all-elements',
  ]) {
    it(`${name}: no media line reaches the body`, () => {
      for (const b of wire(name).body) expect(b.text).not.toMatch(MEDIA_TEXT);
    });
  }
});

describe('video-player debris', () => {
  it('in the middle of the body becomes a clip and leaves the paragraphs around it', () => {
    const a = wire('debris-middle');
    expect(a.media).toEqual([
      { kind: 'video', caption: 'Robot sub finds century-old shipwreck', durationSeconds: 112 },
    ]);
    expect(paragraphs(a)).toHaveLength(6);
    expect(paragraphs(a)[3]).toMatch(/^The freighter was carrying iron ore/);
    expect(allText(a)).not.toMatch(/JUST WATCHED|Replay|More Videos|MUST WATCH/);
    expect(a.body.map((b) => b.text)).not.toContain('Robot sub finds century-old shipwreck');
  });

  it('at the top, before the highlights', () => {
    const a = wire('debris-top');
    expect(a.media).toEqual([
      { kind: 'video', caption: 'Pilot lands plane on highway', durationSeconds: 58 },
    ]);
    expect(a.highlights).toEqual([
      'Small plane makes emergency landing on Interstate 95',
      'Pilot and passenger walk away unhurt',
    ]);
    expect(paragraphs(a)[0]).toMatch(/^A small plane made an emergency landing/);
  });

  it('with a Unicode ellipsis and a stray “Video Ad Feedback” line', () => {
    const a = wire('debris-variants');
    expect(a.media).toEqual([
      { kind: 'video', caption: 'Rare orchids stolen from glasshouse', durationSeconds: 64 },
    ]);
    expect(paragraphs(a)).toHaveLength(5);
    expect(allText(a)).not.toMatch(/More Videos|Video Ad Feedback|MUST WATCH/);
  });
});

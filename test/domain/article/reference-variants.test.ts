import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import type { Article } from '../../../src/domain/article/index.js';
import { describeSeed, parseBytes } from '../../helpers/article.js';
import { hardWrap } from '../../helpers/wire-arbitrary.js';

// The reference sample reshaped in memory the ways scrapers and editors reshape copy: whatever
// the shape, the Article must come out the same (the sample itself stays in ../shared).
describeSeed('the reference sample, reshaped', (path) => {
  const seed = readFileSync(path, 'utf8');
  const lines = seed.split('\n');
  const same = (a: Article) => ({ ...a, id: '', url: '' });
  const reference = same(parseBytes(seed, 'seed.txt'));

  const variants: [string, string][] = [
    ['CRLF line endings', seed.replace(/\n/g, '\r\n')],
    ['a byte-order mark', `\ufeff${seed}`],
    ['no blank lines', lines.filter((l) => l.trim()).join('\n')],
    ['two blank lines between blocks', seed.replace(/\n\n/g, '\n\n\n')],
    ['trailing spaces and tabs', lines.map((l) => `${l} \t`).join('\n')],
    ['hard-wrapped at 60 columns', lines.map((l) => hardWrap(l, 60)).join('\n')],
    ['hard-wrapped at 72 columns', lines.map((l) => hardWrap(l, 72)).join('\n')],
    ['hard-wrapped at 80 columns, CRLF', lines.map((l) => hardWrap(l, 80)).join('\r\n')],
    [
      'one paragraph hard-wrapped',
      lines.map((l) => (l.startsWith('The army, along') ? hardWrap(l, 72) : l)).join('\n'),
    ],
  ];

  it.each(variants)('%s: the same Article', (_name, text) => {
    expect(same(parseBytes(text, 'variant.txt'))).toEqual(reference);
  });

  it('(CNN) -- opening the lead instead of the CNN — line: the same Article', () => {
    const dl = lines.findIndex((l) => /^CNN\s*—\s*$/u.test(l));
    const moved = [...lines.slice(0, dl), `(CNN) -- ${lines[dl + 2]}`, ...lines.slice(dl + 3)];
    expect(same(parseBytes(moved.join('\n'), 'moved.txt'))).toEqual(reference);
  });
});

/**
 * Which server-side DOM Readability runs on: linkedom or jsdom, on the same pages. For each page,
 * ms to build the DOM, ms for Readability.parse, and the token F1 of Readability's text against
 * the page's expected text (../shared/real-html), so that speed is never bought with a worse
 * answer. The verdict and the figures are in docs/formats.md, "HTML pages".
 *
 *   npx tsx bench/html-dom.ts [--runs 5]
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Readability } from '@mozilla/readability';
import { JSDOM, VirtualConsole } from 'jsdom';
import { parseHTML } from 'linkedom';
import { tokenF1 } from '../test/helpers/f1.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' } } });
const runs = Number(values.runs);
const dir = resolve('..', 'shared', 'real-html');
if (!existsSync(dir)) throw new Error(`${dir} is absent: nothing to measure`);

// jsdom reports every stylesheet it cannot parse; that is noise here.
const quiet = new VirtualConsole();
const doms = {
  linkedom: (html: string) => parseHTML(html).document,
  jsdom: (html: string) => new JSDOM(html, { virtualConsole: quiet }).window.document,
};

const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

console.log(`median of ${runs} runs; F1 of Readability's text against NAME.expected.txt`);
console.log('page                    dom        build ms  reader ms     F1   heap MB');
for (const file of readdirSync(dir).filter((f) => f.endsWith('.html'))) {
  const html = readFileSync(join(dir, file), 'utf8');
  const expected = readFileSync(join(dir, file.replace(/\.html$/, '.expected.txt')), 'utf8');
  for (const [name, build] of Object.entries(doms)) {
    const built: number[] = [];
    const read: number[] = [];
    let text = '';
    let heap = 0;
    for (let r = 0; r < runs + 1; r++) {
      const before = process.memoryUsage().heapUsed;
      const t0 = performance.now();
      const doc = build(html);
      const t1 = performance.now();
      text = new Readability(doc as never).parse()?.textContent ?? '';
      const t2 = performance.now();
      heap = Math.max(heap, process.memoryUsage().heapUsed - before);
      if (r > 0) {
        built.push(t1 - t0);
        read.push(t2 - t1);
      }
    }
    console.log(
      `${file.slice(0, 22).padEnd(23)} ${name.padEnd(9)} ${median(built).toFixed(1).padStart(9)} ${median(read).toFixed(1).padStart(10)} ${tokenF1(text, expected).f1.toFixed(3).padStart(6)} ${(heap / 1048576).toFixed(0).padStart(9)}`,
    );
  }
}

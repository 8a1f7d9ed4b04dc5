/**
 * Compile once, personalise cheaply: what one more recipient costs, measured against compiling
 * the MJML for every recipient and against nodemailer building the MIME message for every copy.
 *   npx tsx bench/render.ts
 */
import MailComposer from 'nodemailer/lib/mail-composer';
import { makeEdition } from '../src/edition/edition.js';
import {
  nodemailerOptionsFor,
  prepareEditionMessage,
  recipientLinks,
  renderRaw,
} from '../src/mail/compose.js';
import { createPersonalizer } from '../src/templates/personalize.js';
import { renderEdition } from '../src/templates/render.js';
import { CONFIG, seedArticle, wireArticles } from '../test/render/fixtures.js';

const STORIES = 10;
const edition = makeEdition([seedArticle(), ...wireArticles(STORIES - 1)], {
  id: '2026-02-10',
  date: '2026-02-10T07:00:00Z',
});
const opts = { from: CONFIG.mailFrom, siteName: CONFIG.siteName };

/** Mean time per call in µs, after a warm-up, over at least `minMs` of running. */
async function timeAsync(fn: () => Promise<unknown>, minMs = 3000): Promise<number> {
  for (let i = 0; i < 10; i++) await fn();
  let n = 0;
  const start = performance.now();
  while (performance.now() - start < minMs) {
    await fn();
    n++;
  }
  return ((performance.now() - start) * 1000) / n;
}

/** The same for synchronous work, in batches so that reading the clock costs nothing. */
function timeSync(fn: () => unknown, minMs = 1500): number {
  for (let i = 0; i < 1000; i++) fn();
  let n = 0;
  const start = performance.now();
  while (performance.now() - start < minMs) {
    for (let i = 0; i < 100; i++) fn();
    n += 100;
  }
  return ((performance.now() - start) * 1000) / n;
}

const rendered = await renderEdition(edition, CONFIG);
const recipients = Array.from({ length: 1000 }, (_, i) => ({
  subscriberId: `sub-${i}`,
  email: `reader${i}@example.com`,
  name: i % 2 ? `Reader ${i}` : null,
  ...recipientLinks(CONFIG, `sub-${i}`),
}));
let k = 0;
const next = () => recipients[k++ % recipients.length]!;

const compile = await timeAsync(() => renderEdition(edition, CONFIG));
const personalizer = createPersonalizer(rendered);
const fill = timeSync(() => personalizer(next()));
const prepared = prepareEditionMessage(rendered, opts);
const raw = timeSync(() => renderRaw(prepared, next()));
const rawWithTokens = timeSync(() =>
  renderRaw(prepared, { ...next(), ...recipientLinks(CONFIG, `sub-${k}`) }),
);
const nodemailer = await timeAsync(() =>
  new MailComposer(nodemailerOptionsFor(rendered, next(), opts)).compile().build(),
);

const kb = (s: string | Buffer) => `${(Buffer.byteLength(s) / 1024).toFixed(1)} KB`;
const row = (what: string, us: number, note = '') =>
  console.log(`${what.padEnd(52)} ${us.toFixed(1).padStart(10)} µs${note ? `  ${note}` : ''}`);

console.log(
  `edition: ${STORIES} stories, HTML ${kb(rendered.html)}, text ${kb(rendered.text)}, raw message ${kb(renderRaw(prepared, next()))}`,
);
row('MJML compile + text, once per edition', compile, `(${(compile / 1000).toFixed(1)} ms)`);
row('personalise html + text (Buffer splice) / recipient', fill);
row('renderRaw: whole MIME message / recipient', raw);
row('renderRaw incl. signing both tokens / recipient', rawWithTokens);
row('nodemailer MailComposer build / recipient', nodemailer);
console.log('');
console.log(`compile per recipient vs personalise: ${(compile / fill).toFixed(0)}x`);
console.log(
  `compile + nodemailer per recipient vs renderRaw: ${((compile + nodemailer) / raw).toFixed(0)}x`,
);
console.log(`nodemailer build vs renderRaw (same message): ${(nodemailer / raw).toFixed(1)}x`);

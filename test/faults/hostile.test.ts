/* eslint-disable no-control-regex -- these tests look for control characters on purpose */
import { XMLValidator } from 'fast-xml-parser';
import fc from 'fast-check';
import { beforeAll, expect, it } from 'vitest';
import type { Article } from '../../src/domain/article/index.js';
import { makeEdition } from '../../src/domain/edition/edition.js';
import { buildFeed } from '../../src/domain/feed/feed.js';
import { prepareEditionMessage, recipientLinks, renderRaw } from '../../src/domain/mail/compose.js';
import { personalize } from '../../src/domain/render/personalize.js';
import { renderEdition, type RenderedEdition } from '../../src/domain/render/render.js';
import { CONFIG, describeSeed, HOSTILE, seedArticle } from '../helpers/render.js';
import { elements } from '../helpers/html.js';
import { recordAbuse } from './support/abuse.js';

const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

/** Text an attacker writes: our known payloads spliced into random (and binary) strings. */
const evil = fc
  .array(
    fc.oneof(
      fc.constantFrom(...Object.values(HOSTILE), '\r', '\n', '\r\n.\r\n', '<!--', ']]>', '&#0;'),
      fc.string({ maxLength: 20 }),
      fc.string({ maxLength: 10, unit: 'binary' }),
    ),
    { minLength: 1, maxLength: 6 },
  )
  .map((parts) => parts.join(''));

const hostile = fc
  .record({
    title: evil,
    summary: evil,
    lead: evil,
    heading: evil,
    highlight: evil,
    caption: evil,
    src: fc.oneof(evil, fc.constantFrom(HOSTILE.js, 'data:text/html,<script>')),
    url: fc.oneof(evil, fc.constantFrom(HOSTILE.js, 'https://ok.example/a"b')),
    who: evil,
    tag: evil,
  })
  .map((h): Article => ({
    id: 'hostile',
    title: `T ${h.title}`,
    url: h.url,
    source: h.who,
    dateline: h.who,
    publishedAt: '2026-02-10T08:00:00.000Z',
    summary: h.summary,
    highlights: [h.highlight],
    body: [
      { type: 'paragraph', text: `L ${h.lead}` },
      { type: 'heading', text: h.heading },
      { type: 'paragraph', text: h.lead },
    ],
    media: [{ kind: 'image', src: h.src, caption: h.caption, credit: h.who }],
    contributors: [h.who],
    tags: [h.tag],
  }));

function checkHtml(html: string): void {
  expect(html).not.toMatch(FORBIDDEN);
  for (const e of elements(html)) {
    expect(['script', 'iframe', 'object', 'embed', 'form']).not.toContain(e.tag);
    expect(Object.keys(e.attrs).filter((a) => a.startsWith('on'))).toEqual([]);
    for (const name of ['href', 'src'])
      if (e.attrs[name] !== undefined) expect(e.attrs[name]).toMatch(/^(https?:\/\/|mailto:)/);
  }
}

/** Every header line is a known field or a fold; only printable ASCII; no blank line inside. */
function checkHead(raw: Buffer, fields: Set<string>): void {
  const head = raw.subarray(0, raw.indexOf('\r\n\r\n')).toString('latin1');
  expect(head).toMatch(/^[\x20-\x7e\r\n\t]*$/);
  for (const line of head.split('\r\n')) {
    if (/^[ \t]/.test(line)) continue;
    expect(fields).toContain(line.slice(0, line.indexOf(':')).toLowerCase());
  }
}

describeSeed('hostile article text', () => {
  let baseline: RenderedEdition;
  let fields: Set<string>;
  beforeAll(async () => {
    baseline = await renderEdition(
      makeEdition([seedArticle()], { id: 'base', date: new Date() }),
      CONFIG,
    );
    const raw = renderRaw(
      prepareEditionMessage(baseline, { from: CONFIG.mailFrom, siteName: CONFIG.siteName }),
      { ...recipientLinks(CONFIG, 's1'), subscriberId: 's1', email: 'a@example.org', name: 'A' },
    );
    const head = raw.subarray(0, raw.indexOf('\r\n\r\n')).toString('latin1');
    fields = new Set(
      head
        .split('\r\n')
        .filter((l) => !/^[ \t]/.test(l))
        .map((l) => l.slice(0, l.indexOf(':')).toLowerCase()),
    );
  });

  it('in subject, preheader and reader names (3,000 cases): no header injected, only printable ASCII in the head', () => {
    fc.assert(
      fc.property(evil, evil, evil, (subject, preheader, name) => {
        const prepared = prepareEditionMessage(
          { ...baseline, subject: `S ${subject}`, preheader },
          { from: CONFIG.mailFrom, siteName: CONFIG.siteName },
        );
        const raw = renderRaw(prepared, {
          ...recipientLinks(CONFIG, 's1'),
          subscriberId: 's1',
          email: 'victim@example.org',
          name,
        });
        checkHead(raw, fields);
      }),
      { numRuns: 3_000 },
    );
    recordAbuse('hostile text in mail headers (subject, preheader, name)', 3_000);
  });

  it('in every article field (10,000 cases): the feed is well-formed XML, with no forbidden character and no CDATA broken out of', () => {
    fc.assert(
      fc.property(hostile, (article) => {
        const xml = buildFeed([article], CONFIG, { now: new Date('2026-02-10T09:00:00Z') });
        expect(XMLValidator.validate(xml)).toBe(true);
        expect(xml).not.toMatch(FORBIDDEN);
        expect(xml.split(']]>').length).toBe(xml.split('<![CDATA[').length);
      }),
      { numRuns: 10_000 },
    );
    recordAbuse('hostile article text in the RSS feed', 10_000);
  });

  it('in every article field, rendered by MJML (300 cases): escaped HTML, clean text, safe links', async () => {
    await fc.assert(
      fc.asyncProperty(hostile, evil, async (article, name) => {
        const rendered = await renderEdition(
          makeEdition([article, seedArticle()], { id: 'evil', date: new Date() }),
          CONFIG,
        );
        const copy = personalize(rendered, { ...recipientLinks(CONFIG, 'victim'), name });
        checkHtml(copy.html);
        expect(copy.text).not.toMatch(FORBIDDEN);
        const raw = renderRaw(
          prepareEditionMessage(rendered, { from: CONFIG.mailFrom, siteName: CONFIG.siteName }),
          { ...recipientLinks(CONFIG, 'victim'), subscriberId: 'victim', email: 'v@e.org', name },
        );
        checkHead(raw, fields);
      }),
      { numRuns: 300 },
    );
    recordAbuse('hostile article text rendered to HTML, text and MIME', 300);
  }, 120_000);
});

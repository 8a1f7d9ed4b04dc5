/* eslint-disable no-control-regex -- these tests look for control characters on purpose */
import { XMLValidator } from 'fast-xml-parser';
import { simpleParser } from 'mailparser';
import Parser from 'rss-parser';
import { expect, it } from 'vitest';
import { makeEdition } from '../../../src/domain/edition/edition.js';
import { buildFeed } from '../../../src/domain/feed/feed.js';
import {
  prepareEditionMessage,
  recipientLinks,
  renderRaw,
} from '../../../src/domain/mail/compose.js';
import { personalize } from '../../../src/domain/render/personalize.js';
import { renderEdition } from '../../../src/domain/render/render.js';
import {
  CONFIG,
  describeSeed,
  HOSTILE,
  hostileArticle,
  seedArticle,
} from '../../helpers/render.js';
import { elements } from '../../helpers/html.js';

const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

async function renderHostile() {
  const edition = makeEdition([hostileArticle(), seedArticle()], { id: 'evil', date: new Date() });
  const rendered = await renderEdition(edition, CONFIG);
  const links = recipientLinks(CONFIG, 'victim');
  const recipient = {
    ...links,
    subscriberId: 'victim',
    email: 'victim@example.com',
    name: `Eve ${HOSTILE.crlf}${HOSTILE.script}`,
  };
  return { rendered, recipient, copy: personalize(rendered, recipient) };
}

describeSeed('hostile article text', () => {
  it('is escaped in the HTML: no script, no injected tag or attribute, no javascript: link', async () => {
    const { copy } = await renderHostile();
    const html = copy.html;
    const els = elements(html);
    expect(els.filter((e) => e.tag === 'script')).toEqual([]);
    for (const e of els) {
      expect(Object.keys(e.attrs).filter((a) => a.startsWith('on'))).toEqual([]);
      for (const name of ['href', 'src']) {
        if (e.attrs[name] !== undefined) expect(e.attrs[name]).toMatch(/^https?:\/\//);
      }
    }
    // Exactly our images: the picture from MEDIA_BASE_URL (the javascript: one is dropped).
    const imgs = els.filter((e) => e.tag === 'img');
    expect(imgs.map((i) => i.attrs.src)).toEqual([
      'https://media.gazette.example/pic%20%22%3E%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E.jpg',
      'https://media.gazette.example/palmyra%20drone%20footage%20rossiya%2024%20vos_00001630.jpg',
    ]);
    expect(html).not.toMatch(/javascript:alert\(1\)"/);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toMatch(FORBIDDEN);
    // The title of an article whose url is javascript: is shown, unlinked, with no button.
    expect(html).toMatch(/<h2 class="story-title"[^>]*>Title &lt;script&gt;/);
  });

  it('keeps the text part to clean text: no forbidden characters, one line per field', async () => {
    const { copy } = await renderHostile();
    expect(copy.text).not.toMatch(FORBIDDEN);
    expect(copy.text).not.toContain('\r');
    expect(copy.text).not.toMatch(/^Bcc:/m);
    expect(copy.text).not.toContain('Read more: javascript');
    expect(copy.text).toContain('Hello Eve line Bcc: victim@example.com <script>');
  });

  it('cannot inject headers: subject and names are one encoded line each', async () => {
    const { rendered, recipient } = await renderHostile();
    const raw = renderRaw(
      prepareEditionMessage(rendered, { from: CONFIG.mailFrom, siteName: CONFIG.siteName }),
      recipient,
    );
    const head = raw.subarray(0, raw.indexOf('\r\n\r\n')).toString('latin1');
    expect(head).not.toMatch(/^Bcc:/im);
    expect(head).toMatch(/^[\x20-\x7e\r\n\t]*$/);
    const mail = await simpleParser(raw);
    expect(mail.bcc).toBeUndefined();
    expect(mail.subject).toBe(rendered.subject);
    expect(mail.subject).not.toMatch(/[\r\n\u0000]/);
    const to = Array.isArray(mail.to) ? mail.to[0] : mail.to;
    expect(to?.value).toEqual([
      {
        address: 'victim@example.com',
        name: 'Eve line Bcc: victim@example.com <script>alert(1)</script>',
      },
    ]);
  });

  it('leaves well-formed XML: forbidden characters removed, every ]]> split', async () => {
    const xml = buildFeed([hostileArticle()], CONFIG, { now: new Date() });
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(xml).not.toMatch(FORBIDDEN);
    // Every `]]>` closes a CDATA section that was opened: none comes from the text.
    expect(xml.split(']]>').length).toBe(xml.split('<![CDATA[').length);
    const feed = await new Parser().parseString(xml);
    const item = feed.items[0]!;
    const expected = `Title ${Object.values(HOSTILE).join(' ')}`.replace(
      /[\u0000\uFFFE\uFFFF]/g,
      '',
    );
    // Readers treat a title as HTML: it arrives escaped, so its markup is text, never elements.
    const title = item.title!;
    expect(elements(title).map((e) => e.tag)).toEqual(['html', 'head', 'body']);
    const decoded = title.replace(/&(lt|gt|quot|#39|amp);/g, (_, e: string) =>
      e === 'lt' ? '<' : e === 'gt' ? '>' : e === 'quot' ? '"' : e === '#39' ? "'" : '&',
    );
    expect(decoded).toBe(expected.replace(/\s+/g, ' '));
    expect(decoded).toContain('a ]]> b ]]> c');
    expect(item.link).toBe(`${CONFIG.siteUrl}/articles/hostile`);
    // What a reader's HTML view would build from content:encoded and description.
    for (const html of [item['content:encoded'] as string, item.content!]) {
      for (const e of elements(html)) {
        expect(e.tag).not.toBe('script');
        expect(Object.keys(e.attrs).filter((a) => a.startsWith('on'))).toEqual([]);
        if (e.attrs.src !== undefined) expect(e.attrs.src).toMatch(/^https:\/\//);
      }
    }
    expect(item.content).toContain('&lt;script&gt;');
  });
});

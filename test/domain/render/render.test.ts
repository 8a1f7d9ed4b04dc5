import mjml2html from 'mjml';
import { expect, it } from 'vitest';
import type { Article } from '../../../src/domain/article/index.js';
import { loadConfig } from '../../../src/runtime/config.js';
import { makeEdition } from '../../../src/domain/edition/edition.js';
import { recipientLinks } from '../../../src/domain/mail/links.js';
import { personalize, publicCopy } from '../../../src/domain/render/personalize.js';
import { digestMjml, renderEdition } from '../../../src/domain/render/render.js';
import { makePlaceholders } from '../../../src/domain/render/slots.js';
import { digestView } from '../../../src/domain/render/view.js';
import { CONFIG, describeSeed, seedArticle, wireArticles } from '../../helpers/render.js';

const edition = (articles: Article[]) =>
  makeEdition(articles, { id: '2026-02-10', date: '2026-02-10T07:00:00Z' });
const recipient = { ...recipientLinks(CONFIG, 'sub-1'), name: 'Ana' };

describeSeed('renderEdition', () => {
  it('produces MJML that passes strict validation', async () => {
    const e = edition(wireArticles(6));
    const mjml = digestMjml(digestView(e, CONFIG, makePlaceholders(CONFIG.secret, 'k')));
    const result = await mjml2html(mjml, { validationLevel: 'strict' });
    expect(result.errors).toEqual([]);
    expect(result.html).toContain('<html');
  });

  it('keeps a 20-story edition under Gmail’s 102 KB clipping limit, every story included', async () => {
    const articles = wireArticles(20);
    const { html } = personalize(await renderEdition(edition(articles), CONFIG), recipient);
    expect(Buffer.byteLength(html)).toBeLessThan(102 * 1024);
    for (const a of articles) expect(html).toContain(a.url);
    // Full detail, not the compact fallback: the lead paragraph of a story with highlights shows.
    const withHighlights = articles.find((a) => a.highlights.length && a.body.length)!;
    const lead = withHighlights.body[0]!.text.replaceAll('"', '&quot;').replaceAll("'", '&#39;');
    expect(html).toContain(lead.slice(0, 60));
  });

  it('stays under the limit at the length caps, dropping detail rather than stories', async () => {
    const seed = seedArticle();
    const text = (n: number, k: number) =>
      Array.from(
        { length: n },
        (_, i) => ['harbour', 'AT&T', '"quoted"', 'élection'][(i + k) % 4],
      ).join(' ');
    const articles = Array.from({ length: 20 }, (_, i) => ({
      ...seed,
      id: `story-${i}`,
      url: `https://news.example/story-${i}`,
      title: text(60, i).slice(0, 300),
      highlights: [0, 1, 2, 3, 4].map((h) => text(40, i + h)),
      body: [{ type: 'paragraph' as const, text: text(150, i) }],
    }));
    const { html } = personalize(await renderEdition(edition(articles), CONFIG), recipient);
    expect(Buffer.byteLength(html)).toBeLessThan(102 * 1024);
    for (const a of articles) expect(html).toContain(`href="${a.url}"`);
    expect(html).toContain(recipient.unsubscribeUrl);
  });

  it('sets lang and the preheader, and gives every image an alt', async () => {
    const r = await renderEdition(edition([seedArticle(), ...wireArticles(2)]), CONFIG);
    expect(r.html).toMatch(/<html[^>]* lang="en"/);
    expect(r.html).toContain(r.preheader.replaceAll('"', '&quot;'));
    const imgs = r.html.match(/<img\b[^>]*>/g) ?? [];
    expect(imgs.length).toBeGreaterThan(0);
    for (const img of imgs) expect(img).toMatch(/\balt="[^"]+"/);
  });

  it('shows the story card: linked title, source, highlights, lead, Read more, image, contributors', async () => {
    const seed = seedArticle();
    const { html } = personalize(await renderEdition(edition([seed]), CONFIG), recipient);
    expect(html).toContain(
      `<a href="${seed.url}" style="color:#1f2328;text-decoration:none;">${seed.title}</a>`,
    );
    expect(html).toContain(`>${seed.source} · 27 Mar 2016</div>`);
    for (const h of seed.highlights)
      expect(html).toContain(h.replaceAll('"', '&quot;').replaceAll("'", '&#39;'));
    expect(html).toContain(seed.body[0]!.text);
    expect(html).toMatch(/>\s*Read more\s*</);
    expect(html).toContain(`src="${CONFIG.mediaBaseUrl}/palmyra%20drone%20footage`);
    expect(html).toContain(
      'With reporting by Michael Martinez, Yousuf Basil and Archith Seshadri.',
    );
  });

  it('shows the summary when there are no highlights, and never the same paragraph twice', async () => {
    const bare = wireArticles(2).find((a) => a.highlights.length === 0)!;
    const { text } = await renderEdition(edition([bare]), CONFIG);
    // Words from the summary's middle: the derived title repeats its opening, legitimately.
    const phrase = bare.summary.split(' ').slice(10, 16).join(' ');
    expect(bare.body[0]!.text).toContain(phrase);
    expect(text.replace(/\s+/g, ' ').split(phrase).length - 1).toBe(1);
  });

  it('shows no image without MEDIA_BASE_URL, rather than a broken one', async () => {
    const config = loadConfig({ NODE_ENV: 'test', SITE_URL: CONFIG.siteUrl });
    const r = await renderEdition(edition([seedArticle()]), config);
    expect(r.html).not.toMatch(/<img\b/);
  });

  it('lists the contents at the top only when there are more than three stories', async () => {
    const three = await renderEdition(edition(wireArticles(3)), CONFIG);
    const four = await renderEdition(edition(wireArticles(4)), CONFIG);
    expect(three.html).not.toContain('In this edition');
    expect(four.html).toContain('In this edition');
    expect(four.text).toContain('IN THIS EDITION');
  });

  it('has a footer with the reason, view-in-browser, preferences, unsubscribe and postal address', async () => {
    const r = await renderEdition(edition([seedArticle()]), CONFIG);
    for (const part of Object.values(personalize(r, recipient))) {
      expect(part).toContain('you subscribed to this digest');
      expect(part).toContain(`${CONFIG.siteUrl}/editions/2026-02-10`);
      expect(part).toContain(recipient.unsubscribeUrl);
      expect(part).toContain(recipient.preferencesUrl);
      expect(part).toContain(CONFIG.postalAddress);
      expect(part).toContain('Hello Ana,');
    }
  });

  it('renders the same edition to the same bytes, and a different one with different markers', async () => {
    const e = edition(wireArticles(3));
    const [a, b] = [await renderEdition(e, CONFIG), await renderEdition(e, CONFIG)];
    expect(a.html).toBe(b.html);
    const other = await renderEdition(edition(wireArticles(4)), CONFIG);
    expect(other.placeholders.unsubscribeUrl).not.toBe(a.placeholders.unsubscribeUrl);
  });
});

describeSeed('the text part', () => {
  it('stands on its own: no markup, every link listed, lines wrapped', async () => {
    const articles = [seedArticle(), ...wireArticles(4)];
    const { text } = personalize(await renderEdition(edition(articles), CONFIG), recipient);
    expect(text).not.toMatch(/<\/?[a-z][^>]*>|&[a-z]+;|&#\d+;/i);
    for (const a of articles) {
      expect(text).toContain(a.title.slice(0, 40));
      expect(text).toContain(`Read more: ${a.url}`);
    }
    expect(text).toContain(`Unsubscribe: ${recipient.unsubscribeUrl}`);
    expect(text).toContain(`Manage preferences: ${recipient.preferencesUrl}`);
    for (const line of text.split('\n')) {
      if (!/https?:\/\//.test(line)) expect([...line].length).toBeLessThanOrEqual(72);
    }
  });

  it('greets by name, or without one; the public copy carries no subscriber token', async () => {
    const r = await renderEdition(edition([seedArticle()]), CONFIG);
    expect(personalize(r, { ...recipient, name: null }).text).toContain('Hello,\n');
    const web = publicCopy(r, CONFIG.siteUrl);
    expect(web.html).not.toContain('token=');
    expect(web.html).toContain(`href="${CONFIG.siteUrl}/unsubscribe"`);
    expect(web.html).not.toContain('__GZ_');
  });
});

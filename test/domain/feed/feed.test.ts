import { XMLParser, XMLValidator } from 'fast-xml-parser';
import Parser from 'rss-parser';
import { expect, it } from 'vitest';
import type { Article } from '../../../src/domain/article/index.js';
import { buildFeed, MAX_FEED_ITEMS } from '../../../src/domain/feed/feed.js';
import { articleGuid } from '../../../src/domain/feed/guid.js';
import { CONFIG, describeSeed, seedArticle, wireArticles } from '../../helpers/render.js';

const NOW = new Date('2026-02-10T12:00:00Z');
const parser = new Parser({
  customFields: {
    item: [['dc:creator', 'creators', { keepArray: true }], 'media:content', 'content:encoded'],
  },
});

describeSeed('buildFeed', () => {
  it('is RSS 2.0 that a strict XML parse and a feed parser accept, with the channel elements', async () => {
    const xml = buildFeed(wireArticles(5), CONFIG, { now: NOW });
    expect(XMLValidator.validate(xml)).toBe(true);
    const channel = new XMLParser({ ignoreAttributes: false }).parse(xml).rss.channel;
    expect(channel['atom:link']).toMatchObject({
      '@_href': `${CONFIG.siteUrl}/feed.xml`,
      '@_rel': 'self',
      '@_type': 'application/rss+xml',
    });
    expect(channel.lastBuildDate).toBe('Tue, 10 Feb 2026 12:00:00 GMT');
    expect(channel.ttl).toBe(60);
    const feed = await parser.parseString(xml);
    expect(feed.title).toBe('The Gazette');
    expect(feed.link).toBe(`${CONFIG.siteUrl}/`);
    expect(feed.items).toHaveLength(5);
  });

  it('has one item per article, newest first, matching the article field by field', async () => {
    const seed = { ...seedArticle(), tags: ['syria', 'heritage'] };
    const articles: Article[] = [...wireArticles(3), seed];
    const feed = await parser.parseString(buildFeed(articles, CONFIG, { now: NOW }));
    const newest = [...articles].sort(
      (a, b) => Date.parse(b.publishedAt) - Date.parse(a.publishedAt),
    );
    expect(feed.items.map((i) => i.guid)).toEqual(newest.map((a) => articleGuid(a.id)));
    const item = feed.items.find((i) => i.guid === articleGuid(seed.id))!;
    expect(item.title).toBe(seed.title);
    expect(item.link).toBe(seed.url);
    expect(item.content).toBe(seed.summary);
    expect(new Date(item.pubDate!).toISOString()).toBe(new Date(seed.publishedAt).toISOString());
    expect(item.pubDate).toMatch(
      /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/,
    );
    expect(item.categories).toEqual(['syria', 'heritage']);
    expect(item.creators).toEqual(seed.contributors);
    const encoded = item['content:encoded'] as string;
    for (const block of seed.body) expect(encoded).toContain(block.text.replaceAll("'", '&#39;'));
    expect(encoded).toContain('<h2>Palmyra Castle</h2>');
    expect(item['media:content']).toMatchObject({
      $: {
        url: `${CONFIG.mediaBaseUrl}/palmyra%20drone%20footage%20rossiya%2024%20vos_00001630.jpg`,
        medium: 'image',
        type: 'image/jpeg',
      },
    });
  });

  it('keeps guids stable across rebuilds, site moves and edits, unique, and not permalinks', async () => {
    const articles = wireArticles(12);
    const first = await parser.parseString(buildFeed(articles, CONFIG, { now: NOW }));
    const edited = articles.map((a) => ({
      ...a,
      title: `${a.title} (updated)`,
      url: `https://elsewhere.example/${a.id}`,
    }));
    const moved = { ...CONFIG, siteUrl: 'https://news.example.org' };
    const again = await parser.parseString(buildFeed(edited.reverse(), moved, { now: new Date() }));
    const guids = first.items.map((i) => i.guid);
    expect(again.items.map((i) => i.guid)).toEqual(guids);
    expect(new Set(guids).size).toBe(articles.length);
    for (const g of guids)
      expect(g).toMatch(
        /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      );
    const xml = buildFeed(articles, CONFIG, { now: NOW });
    expect(xml.match(/<guid isPermaLink="false">/g)).toHaveLength(articles.length);
  });

  it('carries at most the 50 newest articles', async () => {
    const base = seedArticle();
    const many = Array.from({ length: 60 }, (_, i) => ({
      ...base,
      id: `story-${i}`,
      publishedAt: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(),
    }));
    const feed = await parser.parseString(buildFeed(many, CONFIG, { now: NOW }));
    expect(feed.items).toHaveLength(MAX_FEED_ITEMS);
    expect(feed.items[0]!.guid).toBe(articleGuid('story-59'));
    expect(feed.items.at(-1)!.guid).toBe(articleGuid('story-10'));
  });

  it('has no image element without MEDIA_BASE_URL', () => {
    const xml = buildFeed([seedArticle()], { ...CONFIG, mediaBaseUrl: undefined }, { now: NOW });
    expect(xml).not.toContain('media:content url');
    expect(xml).not.toContain('<img');
  });
});

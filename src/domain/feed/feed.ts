import RSS from 'rss';
import type { Article } from '../article/index.js';
import { cleanLine, stripForbidden } from '../hygiene.js';
import { byNewest } from '../edition/edition.js';
import { escapeHtml, safeHttpUrl, storyImage } from '../render/safe.js';
import { articleHtml } from './content.js';
import { articleGuid } from './guid.js';

export interface FeedConfig {
  readonly siteUrl: string;
  readonly siteName: string;
  readonly mediaBaseUrl?: string | undefined;
}

export interface FeedOptions {
  /** lastBuildDate. */
  now: Date;
  /** The feed's own URL, for atom:link rel="self"; default `${siteUrl}/feed.xml`. */
  feedUrl?: string;
  /** Minutes a reader may cache the feed. */
  ttl?: number;
}

export const MAX_FEED_ITEMS = 50;
const GENERATOR = 'Gazette';

/** RSS 2.0 of the 50 newest articles. Whatever the articles hold, the result is well-formed XML 1.0. */
export function buildFeed(
  articles: readonly Article[],
  config: FeedConfig,
  opts: FeedOptions,
): string {
  const siteUrl = safeHttpUrl(config.siteUrl);
  if (!siteUrl) throw new RangeError('siteUrl must be an http(s) URL');
  const site = config.siteUrl.replace(/\/+$/, '');
  const name = xmlText(config.siteName) || 'Gazette';
  const feed = new RSS({
    title: name,
    description: `The latest stories from ${name}`,
    site_url: siteUrl,
    feed_url: opts.feedUrl ?? `${site}/feed.xml`,
    generator: GENERATOR,
    language: 'en',
    ttl: opts.ttl ?? 60,
    docs: 'https://www.rssboard.org/rss-specification',
    custom_namespaces: { media: 'http://search.yahoo.com/mrss/' },
  });
  // An article without a real date cannot be placed among the newest; the parser never makes one.
  const dated = articles.filter((a) => !Number.isNaN(Date.parse(a.publishedAt)));
  for (const a of dated.sort(byNewest).slice(0, MAX_FEED_ITEMS)) {
    const image = storyImage(a, config.mediaBaseUrl);
    feed.item({
      // Readers take a title as HTML too: escaped, a title's markup shows as text, as on our pages.
      title: escapeHtml(xmlText(a.title)) || 'Untitled',
      // description is HTML to every reader: escaped, so a summary's markup shows as text.
      description: escapeHtml(xmlText(a.summary)),
      url: safeHttpUrl(a.url) ?? `${site}/articles/${encodeURIComponent(a.id)}`,
      guid: articleGuid(a.id),
      date: new Date(a.publishedAt),
      categories: a.tags.map(xmlText).filter(Boolean),
      custom_elements: [
        { 'content:encoded': { _cdata: stripForbidden(articleHtml(a, config.mediaBaseUrl)) } },
        ...a.contributors
          .map(xmlText)
          .filter(Boolean)
          .map((c) => ({ 'dc:creator': c })),
        ...(image ? [{ 'media:content': { _attr: mediaAttrs(image.src) } }] : []),
      ],
    });
  }
  // The rss package stamps lastBuildDate with the wall clock; callers decide what "now" is.
  const stamp = `<generator>${GENERATOR}</generator><lastBuildDate>`;
  const xml = feed.xml();
  const at = xml.indexOf(stamp);
  if (at < 0) throw new Error('rss output changed shape: lastBuildDate not found');
  const from = at + stamp.length;
  const to = xml.indexOf('</lastBuildDate>', from);
  return `${xml.slice(0, from)}${opts.now.toUTCString()}${xml.slice(to)}`;
}

const IMAGE_TYPES: Record<string, string> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  webp: 'image/webp',
  avif: 'image/avif',
};

function mediaAttrs(url: string): Record<string, string> {
  const ext = /\.([a-z0-9]+)$/i.exec(new URL(url).pathname)?.[1]?.toLowerCase() ?? '';
  const type = IMAGE_TYPES[ext];
  return { url, medium: 'image', ...(type ? { type } : {}) };
}

/** One line of text with nothing XML 1.0 forbids; `]]>` is left to the xml package to split. */
function xmlText(s: string): string {
  return cleanLine(s);
}

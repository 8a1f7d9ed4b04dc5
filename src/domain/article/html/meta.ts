import { normalizeLine } from '../text.js';
import { dateInUrl, parsePageDate } from './dates.js';
import { squash, type DomDocument } from './dom.js';
import { readLinkedArticle, type Obj } from './jsonld.js';
import { chooseTitle } from './title.js';

/** What the page says about its story outside the story's text. */
export interface PageMeta {
  title?: string;
  authors: string[];
  published?: Date;
  modified?: Date;
  /** Absolute http(s) URLs, the lead image first. */
  images: string[];
  publisher?: string;
  /** rel=canonical, else og:url, else JSON-LD's url: absolute http(s). */
  url?: string;
  description?: string;
  keywords: string[];
}

/**
 * Each field from the first source that has it: JSON-LD (`NewsArticle` and kin), then OpenGraph
 * and other `<meta>` tags, then the page itself (`<time>`, `rel=author`, the address). The title
 * has its own rule (title.ts).
 */
export function readPageMeta(doc: DomDocument, linked: Obj[]): PageMeta {
  const ld = readLinkedArticle(linked);
  // One pass over the <meta> tags: linkedom walks the whole tree for every selector.
  const index = metaIndex(doc);
  const metas = (key: string): string[] => index.get(key) ?? [];
  const meta = (...keys: string[]): string | undefined =>
    keys.map((k) => metas(k.toLowerCase())[0]).find(Boolean);

  const base = baseUrl(doc, meta('og:url'), ld?.url);
  const abs = (u: string | null | undefined) => absoluteUrl(u, base);
  // A canonical written as a bare relative path (`href="8003098"`) would resolve against an
  // address the saved page no longer has: og:url says that address better.
  const canonicalHref = doc.querySelector('link[rel~="canonical" i]')?.getAttribute('href')?.trim();
  const canonical = /^(?:https?:)?\/\/|^\//i.test(canonicalHref ?? '')
    ? abs(canonicalHref)
    : undefined;
  const url = canonical ?? abs(meta('og:url')) ?? abs(ld?.url);

  const publisher =
    ld?.publisher || meta('og:site_name', 'application-name', 'publisher') || undefined;
  // Sources are tried in order and read only when needed: each page query is a tree walk.
  const date = (...sources: (() => (string | null | undefined)[])[]): Date | undefined => {
    for (const source of sources) {
      for (const c of source()) {
        const d = c ? parsePageDate(c) : undefined;
        if (d) return d;
      }
    }
    return undefined;
  };

  const published =
    date(
      () => [ld?.datePublished],
      () => PUBLISHED_METAS.flatMap(metas),
      () => [
        doc.querySelector('[itemprop~="datePublished"]')?.getAttribute('datetime'),
        doc.querySelector('time[pubdate]')?.getAttribute('datetime'),
        doc.querySelector('article time[datetime], time[datetime]')?.getAttribute('datetime'),
      ],
      () => otherDateMetas(index),
      () => visibleDates(doc),
    ) ?? dateInUrl(url);
  const modified = date(
    () => [ld?.dateModified],
    () =>
      ['article:modified_time', 'og:updated_time', 'datemodified', 'dcterms.modified'].flatMap(
        metas,
      ),
  );

  const outlet = [publisher, meta('og:site_name')].filter(Boolean).map((s) => s!.toLowerCase());
  const named = (names: () => string[]) => cleanNames(names(), outlet);
  const authors = [
    () => ld?.authors ?? [],
    () => AUTHOR_METAS.flatMap(metas).flatMap(splitNames),
    () => pageBylines(doc).flatMap(splitNames),
  ].reduce<string[]>((found, source) => (found.length > 0 ? found : named(source)), []);

  const images = [
    ...(ld?.images ?? []),
    ...metas('og:image'),
    ...metas('og:image:url'),
    ...metas('twitter:image'),
    doc.querySelector('link[rel~="image_src" i]')?.getAttribute('href'),
  ]
    .map(abs)
    .filter((u): u is string => !!u);

  const title = chooseTitle({
    linked: ld?.headline,
    social: meta('og:title', 'twitter:title'),
    document: squash(doc.querySelector('title')?.textContent),
    headings: [...doc.querySelectorAll('h1')].map((h) => normalizeLine(squash(h.textContent))),
    site: meta('og:site_name') ?? publisher,
  });

  return {
    ...(title ? { title } : {}),
    authors,
    ...(published ? { published } : {}),
    ...(modified ? { modified } : {}),
    images: [...new Set(images)],
    ...(publisher ? { publisher } : {}),
    ...(url ? { url } : {}),
    ...(() => {
      const description = ld?.description || meta('og:description', 'description');
      return description ? { description } : {};
    })(),
    keywords: [...new Set([...(ld?.keywords ?? []), ...metas('article:tag')])],
  };
}

const PUBLISHED_METAS = [
  'article:published_time',
  'og:published_time',
  'datepublished',
  'pubdate',
  'publishdate',
  'publish-date',
  'parsely-pub-date',
  'sailthru.date',
  'dc.date.issued',
  'dcterms.issued',
  'dc.date',
  'date',
];
const AUTHOR_METAS = [
  'author',
  'article:author',
  'parsely-author',
  'sailthru.author',
  'dc.creator',
  'byl',
];

/**
 * `Dana A. Ford, James S.A. Corey and Tom Watkins, CNN` into names. The outlet standing after
 * the names is where they work, not one of them.
 */
function splitNames(s: string): string[] {
  return normalizeLine(s)
    .replace(/^by:? /i, '')
    .split(/ *(?:,|;| & |\band\b|\bund\b|\by\b|\bet\b)+ */)
    .map((n) => n.trim())
    .filter(Boolean);
}

function cleanNames(names: string[], outlet: string[]): string[] {
  const kept = names
    .map((n) => normalizeLine(n).replace(/^by:? /i, ''))
    // A profile address (`https://www.facebook.com/…`) names no one.
    .filter((n) => n && !/^(?:https?:|www\.)|\/\//i.test(n) && n.length <= 80);
  const people = kept.length > 1 ? kept.filter((n) => !outlet.includes(n.toLowerCase())) : kept;
  return [...new Set(people)];
}

/** Visible bylines: `rel=author` links and `itemprop=author` marks. */
function pageBylines(doc: DomDocument): string[] {
  const out: string[] = [];
  for (const el of doc.querySelectorAll('[itemprop~="author" i], a[rel~="author" i]')) {
    const name = el.querySelector('[itemprop~="name" i]') ?? el;
    const text = normalizeLine(squash(name.getAttribute('content') ?? name.textContent));
    if (text && text.length <= 120) out.push(text);
  }
  return out;
}

function baseUrl(doc: DomDocument, ...more: (string | undefined)[]): string | undefined {
  const candidates = [
    doc.querySelector('link[rel~="canonical" i]')?.getAttribute('href'),
    doc.querySelector('base[href]')?.getAttribute('href'),
    ...more,
  ];
  return candidates.map((c) => absoluteUrl(c, undefined)).find(Boolean);
}

/** An http(s) URL, made absolute against `base`; anything else (javascript:, data:) is dropped. */
export function absoluteUrl(
  href: string | null | undefined,
  base: string | undefined,
): string | undefined {
  const h = href?.trim();
  if (!h) return undefined;
  try {
    const u = new URL(h.startsWith('//') && !base ? `https:${h}` : h, base);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : undefined;
  } catch {
    return undefined;
  }
}

/** Site-specific `<meta>` names that say they hold the publication date (`article_date_original`). */
function otherDateMetas(index: Map<string, string[]>): string[] {
  return [...index]
    .filter(
      ([name]) => /date|publish|pub_?time/.test(name) && !/modif|updat|expir|revis|edit/.test(name),
    )
    .flatMap(([, contents]) => contents);
}

/** Every `<meta>`'s content by its property, name or itemprop, lower-cased, in page order. */
function metaIndex(doc: DomDocument): Map<string, string[]> {
  const index = new Map<string, string[]>();
  for (const el of doc.querySelectorAll('meta[content]')) {
    const content = normalizeLine(el.getAttribute('content') ?? '');
    if (!content) continue;
    for (const attr of ['property', 'name', 'itemprop']) {
      const k = el.getAttribute(attr)?.trim().toLowerCase();
      if (k) index.set(k, [...(index.get(k) ?? []), content]);
    }
  }
  return index;
}

/** Dates printed near the byline: elements whose class says date or time, read as text. */
function visibleDates(doc: DomDocument): string[] {
  const out: string[] = [];
  for (const el of doc.querySelectorAll(
    '[class*="date" i], [class*="time" i], [class*="publish" i], [id*="date" i]',
  )) {
    const cls = `${el.getAttribute('class') ?? ''} ${el.getAttribute('id') ?? ''}`;
    if (/updat|modif/i.test(cls)) continue;
    const text = squash(el.textContent);
    if (text && text.length <= 80) out.push(text.replace(/^(?:on|published:?|posted:?)\s+/i, ''));
    if (out.length >= 20) break;
  }
  return out;
}

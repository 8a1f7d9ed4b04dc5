import { cleanLine } from '../text.js';
import { dateInUrl, parsePageDate } from './dates.js';
import { squash, type DomDocument } from './dom.js';
import { readLinkedArticle } from './jsonld.js';
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
export function readPageMeta(doc: DomDocument): PageMeta {
  const ld = readLinkedArticle(doc);
  const meta = (...keys: string[]): string | undefined => {
    for (const k of keys) {
      const el = doc.querySelector(
        `meta[property="${k}" i], meta[name="${k}" i], meta[itemprop="${k}" i]`,
      );
      const v = cleanLine(el?.getAttribute('content') ?? '');
      if (v) return v;
    }
    return undefined;
  };
  const metas = (key: string): string[] =>
    [...doc.querySelectorAll(`meta[property="${key}" i], meta[name="${key}" i]`)]
      .map((el) => cleanLine(el.getAttribute('content') ?? ''))
      .filter(Boolean);

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
  const date = (...candidates: (string | null | undefined)[]) =>
    candidates.map((c) => (c ? parsePageDate(c) : undefined)).find(Boolean);

  const published =
    date(
      ld?.datePublished,
      meta(
        'article:published_time',
        'og:published_time',
        'datePublished',
        'pubdate',
        'publishdate',
        'publish-date',
        'parsely-pub-date',
        'sailthru.date',
        'dc.date.issued',
        'dcterms.issued',
        'dc.date',
        'date',
      ),
      doc.querySelector('[itemprop~="datePublished"]')?.getAttribute('datetime'),
      doc.querySelector('time[pubdate]')?.getAttribute('datetime'),
      doc.querySelector('article time[datetime], time[datetime]')?.getAttribute('datetime'),
      ...otherDateMetas(doc),
      ...visibleDates(doc),
    ) ?? dateInUrl(url);
  const modified = date(
    ld?.dateModified,
    meta('article:modified_time', 'og:updated_time', 'dateModified', 'dcterms.modified'),
  );

  const outlet = [publisher, meta('og:site_name')].filter(Boolean).map((s) => s!.toLowerCase());
  const authors = firstNonEmpty(
    cleanNames(ld?.authors ?? [], outlet),
    cleanNames(
      ['author', 'article:author', 'parsely-author', 'sailthru.author', 'dc.creator', 'byl']
        .flatMap(metas)
        .flatMap(splitNames),
      outlet,
    ),
    cleanNames(pageBylines(doc).flatMap(splitNames), outlet),
  );

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
    headings: [...doc.querySelectorAll('h1')].map((h) => cleanLine(squash(h.textContent))),
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

function firstNonEmpty(...lists: string[][]): string[] {
  return lists.find((l) => l.length > 0) ?? [];
}

/**
 * `Dana A. Ford, James S.A. Corey and Tom Watkins, CNN` into names. The outlet standing after
 * the names is where they work, not one of them.
 */
export function splitNames(s: string): string[] {
  return cleanLine(s)
    .replace(/^by:? /i, '')
    .split(/ *(?:,|;| & |\band\b|\bund\b|\by\b|\bet\b)+ */)
    .map((n) => n.trim())
    .filter(Boolean);
}

function cleanNames(names: string[], outlet: string[]): string[] {
  const kept = names
    .map((n) => cleanLine(n).replace(/^by:? /i, ''))
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
    const text = cleanLine(squash(name.getAttribute('content') ?? name.textContent));
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
function otherDateMetas(doc: DomDocument): string[] {
  return [...doc.querySelectorAll('meta[name], meta[property]')]
    .filter((m) => {
      const name = m.getAttribute('name') ?? m.getAttribute('property') ?? '';
      return /date|publish|pub_?time/i.test(name) && !/modif|updat|expir|revis|edit/i.test(name);
    })
    .map((m) => m.getAttribute('content') ?? '');
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

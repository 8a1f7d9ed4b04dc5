import { z } from 'zod';
import type { DomDocument } from './dom.js';

/**
 * What a page's JSON-LD says about its article (schema.org `NewsArticle` and kin). Publishers
 * write it by hand or by plug-in, so every field is read on its own and a field of the wrong
 * shape is as if absent: one bad value never costs the others.
 */
export interface LinkedArticle {
  headline?: string;
  authors: string[];
  datePublished?: string;
  dateModified?: string;
  images: string[];
  publisher?: string;
  url?: string;
  description?: string;
  keywords: string[];
}

const ARTICLE_TYPES = new Set([
  'Article',
  'NewsArticle',
  'ReportageNewsArticle',
  'AnalysisNewsArticle',
  'OpinionNewsArticle',
  'BackgroundNewsArticle',
  'ReviewNewsArticle',
  'BlogPosting',
  'LiveBlogPosting',
  'Report',
  'TechArticle',
  'ScholarlyArticle',
]);

const Obj = z.record(z.string(), z.unknown());
export type Obj = z.infer<typeof Obj>;
const Text = z.string().transform((s) => s.trim());
const Named = z.union([Text, z.looseObject({ name: Text })]);
const ImageRef = z.union([Text, z.looseObject({ url: Text }), z.looseObject({ contentUrl: Text })]);

function field<T>(schema: z.ZodType<T>, v: unknown): T | undefined {
  const r = schema.safeParse(v);
  return r.success ? r.data : undefined;
}

const list = (v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** Every JSON object the page's `application/ld+json` scripts hold, `@graph`s flattened. */
export function linkedObjects(doc: DomDocument): Obj[] {
  const out: Obj[] = [];
  const visit = (v: unknown, depth: number) => {
    if (depth > 4) return;
    if (Array.isArray(v)) v.forEach((x) => visit(x, depth + 1));
    const o = field(Obj, v);
    if (!o) return;
    out.push(o);
    if (o['@graph'] !== undefined) visit(o['@graph'], depth + 1);
  };
  for (const script of doc.querySelectorAll('script[type="application/ld+json" i]')) {
    try {
      visit(JSON.parse(script.textContent ?? ''), 0);
    } catch {
      // Broken JSON-LD is common (trailing commas, raw newlines): the page's other sources remain.
    }
  }
  return out;
}

const types = (o: Obj): string[] => list(o['@type']).filter((t) => typeof t === 'string');

export function readLinkedArticle(objects: Obj[]): LinkedArticle | undefined {
  const articles = objects.filter((o) => types(o).some((t) => ARTICLE_TYPES.has(t)));
  // A page lists related stories too; the one with the most to say (a body, a headline) is its own.
  const o = articles.sort((a, b) => weight(b) - weight(a))[0];
  if (!o) return undefined;
  const byId = new Map(
    objects.flatMap((x) => (typeof x['@id'] === 'string' ? [[x['@id'], x]] : [])),
  );
  const deref = (v: unknown): unknown => {
    const ref = field(z.looseObject({ '@id': z.string() }), v);
    return ref && !('name' in (v as Obj)) ? (byId.get(ref['@id']) ?? v) : v;
  };
  const names = (v: unknown) =>
    list(v)
      .map((x) => field(Named, deref(x)))
      .map((x) => (typeof x === 'string' ? x : x?.name))
      .filter((x): x is string => !!x);
  const keywords = list(o.keywords).flatMap((k) => (typeof k === 'string' ? k.split(',') : []));
  return {
    headline: field(Text, o.headline) || field(Text, o.name) || undefined,
    authors: names(o.author),
    datePublished: field(Text, o.datePublished) || undefined,
    dateModified: field(Text, o.dateModified) || undefined,
    images: list(o.image)
      .map((x) => field(ImageRef, x))
      .map((x) => (typeof x === 'string' ? x : x && ('url' in x ? x.url : x.contentUrl)))
      .filter((x): x is string => !!x),
    publisher: names(o.publisher)[0],
    url: field(Text, o.url) || undefined,
    description: field(Text, o.description) || undefined,
    keywords: keywords.map((k) => k.trim()).filter(Boolean),
  };
}

function weight(o: Obj): number {
  return (
    (o.articleBody ? 2 : 0) + (o.headline ? 1 : 0) + (types(o).includes('NewsArticle') ? 1 : 0)
  );
}

import { z } from 'zod';
import { InvalidArticleError } from '../../runtime/errors.js';
import { parseStrictDate } from '../dates.js';
import type { FrontMatter } from './front-matter.js';
import { lineOfJsonKey } from './json-doc.js';
import { isHttpUrl } from './schema.js';

/**
 * What the common article extractors write as JSON, read by their documented field names:
 *
 * - trafilatura (`--json`, or `extract(..., output_format="json", with_metadata=True)`): `title`,
 *   `author` (names joined by `; `), `date` (`YYYY-MM-DD`), `source` (the page's URL; `url` in
 *   some versions), `image`, `tags` and `categories` (joined by commas), `text` (one paragraph a
 *   line), with `raw_text`, `fingerprint`, `hostname`, `source-hostname`, `excerpt`, … beside.
 * - newspaper4k (`Article.to_json()`, `python -m newspaper --output-format json`): `title`, `url`,
 *   `canonical_link`, `authors` (a list), `publish_date` (ISO 8601), `top_image`, `tags` (a list
 *   or null), `text` (paragraphs parted by blank lines), with `meta_description`, `movies`,
 *   `article_html`, … beside.
 *
 * Which one a file is goes by the fields only one of them writes (see kindOf); other fields are
 * left alone. `excerpt`, `summary` and `keywords` are not used: the summary is the lead, as for
 * every other input, and keywords are guessed by the extractor, not given by the page.
 */
export type ExtractorKind = 'trafilatura' | 'newspaper4k';

const TRAFILATURA_ONLY = [
  'raw_text',
  'fingerprint',
  'hostname',
  'source-hostname',
  'excerpt',
  'pagetype',
  'filedate',
];
const NEWSPAPER_ONLY = [
  'top_image',
  'publish_date',
  'canonical_link',
  'meta_description',
  'meta_img',
  'meta_site_name',
  'article_html',
  'movies',
  'read_more_link',
];

/** Which extractor wrote this object, by the fields only that one writes. */
export function kindOf(obj: Record<string, unknown>): ExtractorKind | undefined {
  const has = (keys: string[]) => keys.some((k) => k in obj);
  if (has(NEWSPAPER_ONLY)) return 'newspaper4k';
  if (has(TRAFILATURA_ONLY)) return 'trafilatura';
  return undefined;
}

const str = z.string().nullish();
const TrafilaturaSchema = z.looseObject({
  title: str,
  author: str,
  date: str,
  source: str,
  url: str,
  image: str,
  tags: str,
  categories: str,
  text: str,
});
const NewspaperSchema = z.looseObject({
  title: str,
  url: str,
  canonical_link: str,
  authors: z.array(z.string()).nullish(),
  publish_date: str,
  top_image: str,
  tags: z.array(z.string()).nullish(),
  text: str,
});

/** What one extractor's JSON says, in the terms of front matter, and its text. */
export interface ExtractorDoc {
  data: FrontMatter;
  text: string | undefined;
}

export function readExtractorJson(
  kind: ExtractorKind,
  obj: Record<string, unknown>,
  json: string,
  file: string,
): ExtractorDoc {
  const fail = (key: string, reason: string): never => {
    throw new InvalidArticleError(
      file,
      `${kind} JSON "${key}": ${reason}`,
      lineOfJsonKey(json, key),
    );
  };
  const parsed = (kind === 'trafilatura' ? TrafilaturaSchema : NewspaperSchema).safeParse(obj);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return fail(String(issue.path[0] ?? ''), issue.message);
  }
  const given = (v: string | null | undefined) => (v?.trim() ? v.trim() : undefined);
  const data: FrontMatter = {};
  const url = (key: string, v: string | undefined) => {
    if (v === undefined || data.url) return;
    if (!isHttpUrl(v)) fail(key, `"${v}" is not an http(s) URL`);
    data.url = v;
  };
  const date = (key: string, v: string | undefined) => {
    if (v === undefined) return;
    data.date = parseStrictDate(v) ?? fail(key, `"${v}" is not an ISO 8601 date`);
  };
  const list = (v: string | undefined, sep: RegExp) =>
    v
      ?.split(sep)
      .map((s) => s.trim())
      .filter(Boolean);

  if (kind === 'trafilatura') {
    const t = parsed.data as z.infer<typeof TrafilaturaSchema>;
    data.title = given(t.title);
    url('url', given(t.url));
    // `source` is the page's URL in trafilatura's output; anything else there is not ours to judge.
    const source = given(t.source);
    if (source && isHttpUrl(source)) url('source', source);
    date('date', given(t.date));
    data.authors = list(given(t.author), /;/);
    data.image = given(t.image);
    const tags = [
      ...(list(given(t.tags), /[,;]/) ?? []),
      ...(list(given(t.categories), /[,;]/) ?? []),
    ];
    if (tags.length) data.tags = [...new Set(tags)];
    return { data: defined(data), text: t.text ?? undefined };
  }
  const n = parsed.data as z.infer<typeof NewspaperSchema>;
  data.title = given(n.title);
  url('url', given(n.url));
  url('canonical_link', given(n.canonical_link));
  date('publish_date', given(n.publish_date));
  data.authors = n.authors?.map((a) => a.trim()).filter(Boolean);
  data.image = given(n.top_image);
  if (n.tags?.length) data.tags = n.tags;
  return { data: defined(data), text: n.text ?? undefined };
}

/** Without the keys that came out undefined, so that spreading it overrides nothing. */
function defined(data: FrontMatter): FrontMatter {
  return Object.fromEntries(
    Object.entries(data).filter(([, v]) => v !== undefined && !(Array.isArray(v) && !v.length)),
  ) as FrontMatter;
}

/** Extractor text, one paragraph a line or parted by blank lines, as wire copy's paragraphs. */
export function extractorTextAsWire(text: string): string {
  return text
    .split(/\n+/)
    .map((l) => l.trim())
    .filter(Boolean)
    .join('\n\n');
}

import { z } from 'zod';
import { InvalidArticleError } from '../../runtime/errors.js';
import { parseStrictDate } from '../dates.js';
import { decodeArticle } from './decode.js';
import { kindOf, readExtractorJson } from './extractor-json.js';
import type { FrontMatter } from './front-matter.js';
import { lineOfJsonKey, readJsonObject } from './json-doc.js';
import { ARTICLE_ID, isHttpUrl } from './schema.js';

/**
 * A sidecar: `story.json` beside `story.txt` (or `.md`), holding what an extractor wrote apart
 * from the text. Either our own small shape (SidecarSchema: `title`, `url`, `date` or
 * `publishedAt`, `authors`, `image`, and the front matter keys `id`, `tags`, `source`,
 * `dateline`, `summary`), or a whole trafilatura or newspaper4k JSON document, whose metadata is
 * read and whose `text` is left to the file beside it. Front matter in the text file wins, key by
 * key.
 */
const names = z
  .union([z.string(), z.array(z.string())])
  .transform((v) =>
    (typeof v === 'string' ? v.split(/[;,]| and /) : v).map((s) => s.trim()).filter(Boolean),
  );
const SidecarSchema = z
  .object({
    id: z
      .string()
      .max(120)
      .regex(ARTICLE_ID, 'must be lowercase letters, digits and single dashes'),
    title: z.string().trim().min(1, 'must not be empty'),
    url: z.string().refine(isHttpUrl, 'must be an http(s) URL'),
    date: z.string(),
    publishedAt: z.string(),
    authors: names,
    image: z.string().trim().min(1, 'must not be empty'),
    tags: z.array(z.string()),
    source: z.string().nullable(),
    dateline: z.string().nullable(),
    summary: z.string(),
  })
  .partial()
  .strict();

export function readSidecar(bytes: Uint8Array, file: string): FrontMatter {
  const json = decodeArticle(bytes, file);
  const obj = readJsonObject(json, file);
  const kind = kindOf(obj);
  if (kind) return readExtractorJson(kind, obj, json, file).data;

  const parsed = SidecarSchema.safeParse(obj);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const key = String(issue.path[0] ?? (issue.code === 'unrecognized_keys' ? issue.keys[0] : ''));
    const what =
      issue.code === 'unrecognized_keys'
        ? `unknown sidecar key "${issue.keys.join('", "')}" (known: ${Object.keys(SidecarSchema.shape).join(', ')}; or a trafilatura or newspaper4k JSON document)`
        : `sidecar "${key}": ${issue.message}`;
    throw new InvalidArticleError(file, what, lineOfJsonKey(json, key));
  }
  const { date, publishedAt, authors, ...rest } = parsed.data;
  const data: FrontMatter = { ...rest };
  if (authors?.length) data.authors = authors;
  const when = publishedAt ?? date;
  if (when !== undefined) {
    const key = publishedAt !== undefined ? 'publishedAt' : 'date';
    const d = parseStrictDate(when);
    if (!d) {
      throw new InvalidArticleError(
        file,
        `sidecar "${key}": "${when}" is not a date (use ISO 8601, e.g. 2016-03-27 or 2016-03-27T09:30:00Z)`,
        lineOfJsonKey(json, key),
      );
    }
    data.date = d;
  }
  return data;
}

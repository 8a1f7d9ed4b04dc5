import { readFile, stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { InvalidArticleError } from '../../runtime/errors.js';
import { decodeArticle } from './decode.js';
import { extractorTextAsWire, kindOf, readExtractorJson } from './extractor-json.js';
import { finishArticle } from './finish.js';
import { splitFrontMatter, type FrontMatter } from './front-matter.js';
import { lineOfJsonKey, readJsonObject } from './json-doc.js';
import { readSidecar } from './sidecar.js';
import { parseMarkdown } from './markdown.js';
import type { Article } from './schema.js';
import { parseWire } from './wire.js';
import { HTML_EXTENSIONS, MAX_PAGE_BYTES, parseHtmlPage, withPublisher } from './html/index.js';

export { ArticleSchema, type Article } from './schema.js';

const MAX_ARTICLE_BYTES = 1024 * 1024;
const ARTICLE_EXTENSIONS = ['.md', '.markdown', '.txt', '.json', ...HTML_EXTENSIONS] as const;
/** Text files a `.json` of the same name may stand beside, as their sidecar. */
const TEXT_EXTENSIONS = ['.md', '.markdown', '.txt'];

export interface Sidecar {
  file: string;
  bytes: Uint8Array;
}

/** Saved pages carry scripts and styles, so they may be larger than text articles. */
function maxBytesFor(file: string): number {
  return isHtml(file) ? MAX_PAGE_BYTES : MAX_ARTICLE_BYTES;
}
const isHtml = (file: string) =>
  (HTML_EXTENSIONS as readonly string[]).includes(extname(file).toLowerCase());
const tooBig = (size: number, file: string) =>
  `file is ${(size / 1048576).toFixed(1)} MB; the limit is ${maxBytesFor(file) / 1048576} MB`;

export interface ParseOptions {
  file: string;
  siteUrl: string;
  fallbackPublishedAt: Date;
  /** `story.json` beside `story.txt`: metadata an extractor wrote apart from the text. */
  sidecar?: Sidecar;
}

const stem = (file: string): string => file.slice(0, file.length - extname(file).length);

/**
 * The article files among `names` (paths in one listing): by extension, and without the `.json`
 * files that stand beside a text file of the same name, which are that file's sidecar.
 */
export function articleFiles(names: string[]): string[] {
  const texts = new Set(
    names.filter((n) => TEXT_EXTENSIONS.includes(extname(n).toLowerCase())).map(stem),
  );
  return names.filter((n) => {
    const ext = extname(n).toLowerCase();
    if (!(ARTICLE_EXTENSIONS as readonly string[]).includes(ext)) return false;
    return ext !== '.json' || !texts.has(stem(n));
  });
}

/** Bytes of one article file into an Article, or an InvalidArticleError naming the file. */
export function parseArticle(bytes: Uint8Array, opts: ParseOptions): Article {
  const { file } = opts;
  const ext = extname(file).toLowerCase();
  if (!(ARTICLE_EXTENSIONS as readonly string[]).includes(ext)) {
    throw new InvalidArticleError(
      file,
      `unsupported file type "${ext || '(none)'}": expected .md, .markdown, .txt, .json, .html or .htm`,
    );
  }
  if (bytes.byteLength > maxBytesFor(file))
    throw new InvalidArticleError(file, tooBig(bytes.byteLength, file));
  if (isHtml(file)) {
    // A saved page: its metadata stands where front matter would (html/index.ts).
    const page = parseHtmlPage(bytes, file);
    return withPublisher(finishArticle(page.draft, page.fm, opts), page.meta);
  }
  const text = decodeArticle(bytes, file);
  if (!text.trim()) throw new InvalidArticleError(file, 'file is empty');
  if (ext === '.json') return parseExtractorDocument(text, opts);
  const split = splitFrontMatter(text, file);
  const { body, bodyLine } = split;
  // Front matter, written into the file itself, wins over the sidecar key by key.
  const data: FrontMatter = opts.sidecar
    ? { ...readSidecar(opts.sidecar.bytes, opts.sidecar.file), ...split.data }
    : split.data;
  const draft = ext === '.txt' ? parseWire(body) : parseMarkdown(body);
  if (draft.blocks.length === 0 && draft.highlights.length === 0 && !data.summary) {
    throw new InvalidArticleError(file, 'no story text found after the front matter', bodyLine);
  }
  return finishArticle(draft, data, opts);
}

/** A trafilatura or newspaper4k JSON document (extractor-json.ts): its text read as wire copy. */
function parseExtractorDocument(json: string, opts: ParseOptions): Article {
  const { file } = opts;
  const obj = readJsonObject(json, file);
  const kind = kindOf(obj);
  if (!kind) {
    throw new InvalidArticleError(
      file,
      typeof obj.text === 'string'
        ? 'JSON that neither trafilatura (raw_text, fingerprint, hostname, …) nor newspaper4k (top_image, publish_date, canonical_link, …) wrote: give the text as .txt with a sidecar .json instead'
        : 'no "text" in this JSON: a sidecar belongs beside a .txt or .md file of the same name',
      1,
    );
  }
  const { data, text } = readExtractorJson(kind, obj, json, file);
  const draft = parseWire(extractorTextAsWire(text ?? ''));
  if (draft.blocks.length === 0 && draft.highlights.length === 0) {
    throw new InvalidArticleError(
      file,
      `no story text in ${kind}'s "text"`,
      lineOfJsonKey(json, 'text') ?? 1,
    );
  }
  return finishArticle(draft, data, opts);
}

/**
 * The file's bytes, once it is known to be a regular file within the size limit, and those of
 * its sidecar (`story.json` beside `story.txt`) when there is one.
 */
export async function readArticleBytes(
  file: string,
): Promise<{ bytes: Buffer; mtime: Date; sidecar?: Sidecar }> {
  const { bytes, mtime } = await readRegular(file);
  if (!TEXT_EXTENSIONS.includes(extname(file).toLowerCase())) return { bytes, mtime };
  const sidecarFile = `${stem(file)}.json`;
  const present = await stat(sidecarFile).then(
    () => true,
    () => false,
  );
  if (!present) return { bytes, mtime };
  const sidecar = await readRegular(sidecarFile);
  return { bytes, mtime, sidecar: { file: sidecarFile, bytes: sidecar.bytes } };
}

async function readRegular(file: string): Promise<{ bytes: Buffer; mtime: Date }> {
  const info = await stat(file).catch((err: NodeJS.ErrnoException) => {
    throw new InvalidArticleError(file, `cannot read: ${err.code ?? err.message}`);
  });
  if (!info.isFile()) throw new InvalidArticleError(file, 'not a regular file');
  if (info.size > maxBytesFor(file)) throw new InvalidArticleError(file, tooBig(info.size, file));
  return { bytes: await readFile(file), mtime: info.mtime };
}

export async function parseArticleFile(
  file: string,
  opts: Omit<ParseOptions, 'file' | 'fallbackPublishedAt'> & { fallbackPublishedAt?: Date },
): Promise<{ article: Article; bytes: Buffer }> {
  const { bytes, mtime, sidecar } = await readArticleBytes(file);
  const article = parseArticle(bytes, {
    ...opts,
    file,
    fallbackPublishedAt: opts.fallbackPublishedAt ?? mtime,
    ...(sidecar ? { sidecar } : {}),
  });
  return { article, bytes };
}

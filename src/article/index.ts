import { readFile, stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { InvalidArticleError } from '../errors.js';
import { decodeArticle } from './decode.js';
import { finishArticle } from './finish.js';
import { splitFrontMatter } from './front-matter.js';
import { parseMarkdown } from './markdown.js';
import type { Article } from './schema.js';
import { parseWire } from './wire.js';
import { HTML_EXTENSIONS, MAX_PAGE_BYTES, parseHtmlPage, withPublisher } from './html/index.js';

export { ArticleSchema, type Article, type BodyBlock, type Media } from './schema.js';

export const MAX_ARTICLE_BYTES = 1024 * 1024;
export const ARTICLE_EXTENSIONS = ['.md', '.markdown', '.txt', ...HTML_EXTENSIONS] as const;

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
}

/** Bytes of one article file into an Article, or an InvalidArticleError naming the file. */
export function parseArticle(bytes: Uint8Array, opts: ParseOptions): Article {
  const { file } = opts;
  const ext = extname(file).toLowerCase();
  if (!(ARTICLE_EXTENSIONS as readonly string[]).includes(ext)) {
    throw new InvalidArticleError(
      file,
      `unsupported file type "${ext || '(none)'}": expected .md, .markdown, .txt, .html or .htm`,
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
  const { data, body, bodyLine } = splitFrontMatter(text, file);
  const draft = ext === '.txt' ? parseWire(body) : parseMarkdown(body);
  if (draft.blocks.length === 0 && draft.highlights.length === 0 && !data.summary) {
    throw new InvalidArticleError(file, 'no story text found after the front matter', bodyLine);
  }
  return finishArticle(draft, data, opts);
}

/** The file's bytes, once it is known to be a regular file within the size limit. */
export async function readArticleBytes(file: string): Promise<{ bytes: Buffer; mtime: Date }> {
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
  const { bytes, mtime } = await readArticleBytes(file);
  const article = parseArticle(bytes, {
    ...opts,
    file,
    fallbackPublishedAt: opts.fallbackPublishedAt ?? mtime,
  });
  return { article, bytes };
}

import { readFile, stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { InvalidArticleError } from '../errors.js';
import { decodeArticle } from './decode.js';
import { finishArticle } from './finish.js';
import { splitFrontMatter } from './front-matter.js';
import { parseMarkdown } from './markdown.js';
import type { Article } from './schema.js';
import { parseWire } from './wire.js';

export { ArticleSchema, type Article, type BodyBlock, type Media } from './schema.js';

export const MAX_ARTICLE_BYTES = 1024 * 1024;
export const ARTICLE_EXTENSIONS = ['.md', '.markdown', '.txt'] as const;

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
      `unsupported file type "${ext || '(none)'}": expected .md, .markdown or .txt`,
    );
  }
  if (bytes.byteLength > MAX_ARTICLE_BYTES) {
    throw new InvalidArticleError(
      file,
      `file is ${(bytes.byteLength / 1048576).toFixed(1)} MB; the limit is 1 MB`,
    );
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
  if (info.size > MAX_ARTICLE_BYTES) {
    throw new InvalidArticleError(
      file,
      `file is ${(info.size / 1048576).toFixed(1)} MB; the limit is 1 MB`,
    );
  }
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

import { createHash } from 'node:crypto';
import { access, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { articleFiles, parseArticle, readArticleBytes } from '../domain/article/index.js';
import { InvalidArticleError, errorMessage } from '../runtime/errors.js';
import type { ArticleStore, UpsertOutcome } from '../stores/articles.js';
import type { EditionStore } from '../stores/editions.js';

/** Bumped when the parser's output changes, so that unchanged files are parsed again once. */
const PARSER_VERSION = '2';

export type IngestResult =
  | { file: string; id: string; outcome: UpsertOutcome }
  | { file: string; error: InvalidArticleError };

export interface IngestDeps {
  store: ArticleStore;
  /** A stored or changed article becomes a candidate for the next edition at once. */
  editions: Pick<EditionStore, 'addCandidate'>;
  siteUrl: string;
  now?: () => Date;
}

/**
 * Directories expand to their article files (not recursive, hidden files skipped, sidecars left to
 * the file they stand beside), sorted.
 */
export async function expandPaths(paths: string[]): Promise<string[]> {
  const files: string[] = [];
  for (const p of paths) {
    const info = await stat(p).catch(() => undefined);
    if (info?.isDirectory()) {
      const names = articleFiles((await readdir(p)).filter((n) => !n.startsWith('.')));
      files.push(...names.sort().map((n) => join(p, n)));
    } else {
      files.push(p);
    }
  }
  return files;
}

/** The file's bytes and its sidecar's: a changed sidecar is a changed article. */
function contentHash(bytes: Uint8Array, sidecar?: Uint8Array): string {
  const hash = createHash('sha256').update(`gazette-parser-${PARSER_VERSION}\0`).update(bytes);
  if (sidecar) hash.update('\0sidecar\0').update(sidecar);
  return hash.digest('hex');
}

/**
 * Validates and stores each file, which becomes a candidate for the next edition. A bad file is reported and
 * stores nothing; the others go on. The same file twice changes nothing.
 */
export async function ingestFiles(files: string[], deps: IngestDeps): Promise<IngestResult[]> {
  const results: IngestResult[] = [];
  const claimed = new Map<string, string>();
  for (const file of files) {
    try {
      results.push(await ingestOne(file, deps, claimed));
    } catch (err) {
      const error =
        err instanceof InvalidArticleError ? err : new InvalidArticleError(file, errorMessage(err));
      results.push({ file, error });
    }
  }
  return results;
}

async function ingestOne(
  file: string,
  deps: IngestDeps,
  claimed: Map<string, string>,
): Promise<IngestResult> {
  const { bytes, sidecar } = await readArticleBytes(file);
  const hash = contentHash(bytes, sidecar?.bytes);
  const now = deps.now?.() ?? new Date();
  const article = parseArticle(bytes, {
    file,
    siteUrl: deps.siteUrl,
    fallbackPublishedAt: now,
    ...(sidecar ? { sidecar } : {}),
  });
  const datedByFile = article.publishedAt !== now.toISOString();

  const other = claimed.get(article.id);
  if (other)
    throw new InvalidArticleError(
      file,
      `id "${article.id}" is already used by ${other}; give one of them another id`,
    );
  claimed.set(article.id, file);

  const existing = await deps.store.get(article.id);
  if (existing && existing.file !== file && (await exists(existing.file))) {
    throw new InvalidArticleError(
      file,
      `id "${article.id}" belongs to ${existing.file}; give this file another id in front matter`,
    );
  }
  if (existing?.hash === hash) return { file, id: article.id, outcome: 'unchanged' };
  // Without a date of its own, an article keeps the time it was first ingested.
  if (!datedByFile && existing) article.publishedAt = existing.article.publishedAt;

  const outcome = await deps.store.put(article, { hash, file, now });
  try {
    // Unless an edition already carries it. Should this fail, the hash is forgotten so that the
    // next ingest of the same file does the whole step again rather than skip it as unchanged.
    await deps.editions.addCandidate(article.id, article.publishedAt);
  } catch (err) {
    await deps.store.forgetHash(article.id);
    throw err;
  }
  return { file, id: article.id, outcome };
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

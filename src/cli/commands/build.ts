import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { articleFiles, parseArticleFile, type Article } from '../../domain/article/index.js';
import type { Config } from '../../runtime/config.js';
import { errorMessage, InvalidArticleError } from '../../runtime/errors.js';
import { writePreview } from '../../operations/preview.js';

/**
 * `gazette build --out DIR`: the feed and a preview of the edition CONTENT_DIR makes, as files,
 * with no Redis. A bad article is reported and skipped; the exit code says so at the end.
 */
export async function buildCommand(
  out: string,
  config: Config,
  now: Date = new Date(),
): Promise<void> {
  const { articles, bad } = await readArticles(config);
  if (articles.length === 0) {
    throw new Error(`no articles found in ${config.contentDir}`);
  }
  const preview = await writePreview(
    { candidates: articles, feedArticles: articles },
    config,
    out,
    now,
  );
  for (const f of preview.files) console.log(`wrote ${f.path} (${kb(f.bytes)} KB)`);
  console.log(
    `edition ${preview.editionId}: ${preview.stories} of ${preview.articles} stories; "${preview.subject}"`,
  );
  if (bad > 0) {
    console.error(`${bad} file${bad === 1 ? '' : 's'} skipped: see the errors above`);
    process.exitCode = 1;
  }
}

async function readArticles(config: Config): Promise<{ articles: Article[]; bad: number }> {
  let names: string[];
  try {
    names = await readdir(config.contentDir, { recursive: true });
  } catch (err) {
    throw new Error(`cannot read CONTENT_DIR ${config.contentDir}: ${errorMessage(err)}`, {
      cause: err,
    });
  }
  const files = articleFiles(
    names.filter((n) => !n.split(/[\\/]/).some((part) => part.startsWith('.'))),
  )
    .sort()
    .map((n) => join(config.contentDir, n));
  const articles: Article[] = [];
  const seen = new Map<string, string>();
  let bad = 0;
  for (const file of files) {
    try {
      const { article } = await parseArticleFile(file, { siteUrl: config.siteUrl });
      const other = seen.get(article.id);
      if (other)
        throw new InvalidArticleError(file, `id "${article.id}" is already used by ${other}`);
      seen.set(article.id, file);
      articles.push(article);
    } catch (err) {
      if (!(err instanceof InvalidArticleError)) throw err;
      console.error(err.message);
      bad++;
    }
  }
  return { articles, bad };
}

function kb(bytes: number): string {
  return (bytes / 1024).toFixed(1);
}

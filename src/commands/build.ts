import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { articleFiles, parseArticleFile, type Article } from '../article/index.js';
import type { Config } from '../config.js';
import { errorMessage, InvalidArticleError } from '../errors.js';
import { byNewest, editionIdFor, makeEdition } from '../edition/edition.js';
import { buildFeed } from '../feed/feed.js';
import { prepareEditionMessage, recipientLinks, renderRaw } from '../mail/compose.js';
import { publicCopy } from '../templates/personalize.js';
import { renderEdition } from '../templates/render.js';

/** The most stories one digest carries; the 102 KB budget is sized for it. */
export const MAX_EDITION_STORIES = 20;
export const SAMPLE_SUBSCRIBER = { subscriberId: 'sample', email: 'reader@example.com' } as const;

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
  articles.sort(byNewest);
  const newest = new Date(articles[0]!.publishedAt);
  const edition = makeEdition(articles.slice(0, MAX_EDITION_STORIES), {
    id: editionIdFor(newest, config.digest.tz),
    date: newest,
  });
  const rendered = await renderEdition(edition, config);
  const web = publicCopy(rendered, config.siteUrl);
  const prepared = prepareEditionMessage(rendered, {
    from: config.mailFrom,
    siteName: config.siteName,
  });
  const eml = renderRaw(
    prepared,
    { ...SAMPLE_SUBSCRIBER, ...recipientLinks(config, SAMPLE_SUBSCRIBER.subscriberId) },
    now,
  );
  const feed = buildFeed(articles, config, { now });

  const editions = join(out, 'editions');
  await mkdir(editions, { recursive: true });
  const files: [string, string | Buffer][] = [
    [join(out, 'feed.xml'), feed],
    [join(editions, `${edition.id}.html`), web.html],
    [join(editions, `${edition.id}.txt`), web.text],
    [join(editions, `${edition.id}.eml`), eml],
  ];
  for (const [file, data] of files) await writeFile(file, data);
  for (const [file, data] of files) console.log(`wrote ${file} (${kb(data)} KB)`);
  console.log(
    `edition ${edition.id}: ${edition.articles.length} of ${articles.length} stories; "${edition.subject}"`,
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

function kb(data: string | Buffer): string {
  return (Buffer.byteLength(data) / 1024).toFixed(1);
}

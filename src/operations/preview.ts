import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Article } from '../domain/article/index.js';
import type { Config } from '../runtime/config.js';
import { editionIdFor, makeEdition, selectStories } from '../domain/edition/edition.js';
import { buildFeed } from '../domain/feed/feed.js';
import { prepareEditionMessage, recipientLinks, renderRaw } from '../domain/mail/compose.js';
import { publicCopy } from '../domain/render/personalize.js';
import { renderEdition } from '../domain/render/render.js';

const SAMPLE_SUBSCRIBER = { subscriberId: 'sample', email: 'reader@example.com' } as const;

/** What `writePreview` wrote, for the caller to report. */
export interface Preview {
  editionId: string;
  subject: string;
  /** The stories in the previewed edition, and in the feed. */
  stories: number;
  articles: number;
  files: { path: string; bytes: number }[];
}

/**
 * The feed of `feedArticles` and the edition `candidates` make (selectStories: what an edition
 * holds), written under `out` as feed.xml and editions/<id>.html, .txt (the public web copy) and
 * .eml (the whole message a sample subscriber would get). `build` (every article of CONTENT_DIR
 * for both) and a `run` with nobody to send to (the stored candidates, the stored feed) both show
 * the product with it, so a preview is always the real renderer's output.
 */
export async function writePreview(
  {
    candidates,
    feedArticles,
  }: { candidates: readonly Article[]; feedArticles: readonly Article[] },
  config: Config,
  out: string,
  now: Date = new Date(),
): Promise<Preview> {
  const stories = selectStories(candidates);
  if (stories.length === 0) throw new Error('no articles to preview');
  const newest = new Date(stories[0]!.publishedAt);
  const edition = makeEdition(stories, {
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
  const feed = buildFeed(feedArticles, config, { now });

  const editions = join(out, 'editions');
  await mkdir(editions, { recursive: true });
  const files: [string, string | Buffer][] = [
    [join(out, 'feed.xml'), feed],
    [join(editions, `${edition.id}.html`), web.html],
    [join(editions, `${edition.id}.txt`), web.text],
    [join(editions, `${edition.id}.eml`), eml],
  ];
  for (const [file, data] of files) await writeFile(file, data);
  return {
    editionId: edition.id,
    subject: edition.subject,
    stories: edition.articles.length,
    articles: candidates.length,
    files: files.map(([path, data]) => ({ path, bytes: Buffer.byteLength(data) })),
  };
}

import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writePreview, type Preview } from './preview.js';
import type { Context } from './context.js';
import { sendEdition } from './send.js';
import { waitForEdition, type EditionProgress } from './progress.js';
import { buildFeed, MAX_FEED_ITEMS } from '../domain/feed/feed.js';
import { MAX_STORIES } from '../domain/edition/edition.js';
import { expandPaths, ingestFiles, type IngestResult } from './ingest.js';

export interface RunSummary {
  ingested: IngestResult[];
  editionId: string | null;
  recipients: number;
  sent: number;
  failed: number;
  bounced: number;
  uncertain: number;
  feedPath: string;
  seconds: number;
  /**
   * Set when there was no active subscriber: no edition was made (the articles wait for the
   * first one that reaches someone) and this preview was written instead.
   */
  preview: (Preview & { dir: string; subscribers: number }) | null;
}

export interface RunOptions {
  contentDir: string;
  feedPath: string;
  /** Where the preview goes when nobody is subscribed (default: the feed's folder). */
  previewDir?: string;
  onStage?: (stage: string) => void;
  onProgress?: (p: EditionProgress) => void;
  timeoutMs?: number;
}

/**
 * The main job, one shot: ingest, make and deliver one edition to every active subscriber, write
 * the feed, and wait until every job of the edition has ended. Workers must be running (in this
 * process or another) on the same Redis and prefix.
 *
 * With no active subscriber (a first run, or everyone has left) no edition is made: an edition
 * claims its articles for good, and one that reaches nobody would use them up unseen. The
 * articles stay candidates for the next edition that has a reader, and a preview of the digest
 * (`build --out`'s files) is written so the run still shows what it would send.
 */
export async function runOnce(ctx: Context, opts: RunOptions): Promise<RunSummary> {
  const started = Date.now();
  opts.onStage?.(`ingesting ${opts.contentDir}`);
  const files = await expandPaths([opts.contentDir]);
  const ingested = await ingestFiles(files, {
    store: ctx.articles,
    editions: ctx.editions,
    siteUrl: ctx.config.siteUrl,
  });

  opts.onStage?.('writing the feed');
  const articles = await ctx.articles.list(MAX_FEED_ITEMS);
  await mkdir(dirname(opts.feedPath), { recursive: true });
  await writeFile(opts.feedPath, buildFeed(articles, ctx.config, { now: new Date() }));

  const summary: RunSummary = {
    ingested,
    editionId: null,
    recipients: 0,
    sent: 0,
    failed: 0,
    bounced: 0,
    uncertain: 0,
    feedPath: opts.feedPath,
    seconds: 0,
    preview: null,
  };
  // SCARD: exact at this instant. One who leaves after it is a race the edition reports as
  // 0 recipients; the run cannot prevent that, only say so.
  if ((await ctx.subscribers.count('active')) === 0) {
    // Exactly what the next edition will carry: the candidates no edition has taken yet.
    const candidates = await ctx.articles.getMany(await ctx.editions.candidateIds(MAX_STORIES));
    if (candidates.length > 0) {
      const dir = opts.previewDir ?? dirname(opts.feedPath);
      opts.onStage?.(`no active subscriber: writing a preview to ${dir}`);
      const preview = await writePreview({ candidates, feedArticles: articles }, ctx.config, dir);
      summary.preview = { ...preview, dir, subscribers: await ctx.subscribers.count() };
    }
    summary.seconds = (Date.now() - started) / 1000;
    return summary;
  }
  const sent = await sendEdition(ctx, { schedule: { mode: 'now' } });
  if (sent.outcome === 'queued') {
    opts.onStage?.(`delivering edition ${sent.editionId} (${sent.articles} stories)`);
    const p = await waitForEdition(ctx, sent.editionId, {
      onProgress: opts.onProgress,
      timeoutMs: opts.timeoutMs,
    });
    Object.assign(summary, {
      editionId: sent.editionId,
      recipients: p.total,
      sent: p.sent,
      failed: p.failed,
      bounced: p.bounced,
      uncertain: p.uncertain,
    });
  }
  summary.seconds = (Date.now() - started) / 1000;
  return summary;
}

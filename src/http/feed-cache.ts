import { createHash } from 'node:crypto';
import { buildFeed, MAX_FEED_ITEMS, type FeedConfig } from '../domain/feed/feed.js';
import type { Logger } from '../runtime/log.js';
import type { ArticleStore } from '../stores/articles.js';
import { wholeSeconds, type Validators } from './conditional.js';
import { withTimeout } from '../runtime/timeout.js';

export interface FeedSnapshot extends Validators {
  /** The article store's feedVersion this was built from (or a later state). */
  version: number;
  body: Buffer;
}

export interface FeedCache {
  /** The feed as of the store's current version: one Redis GET, a rebuild only when it moved. */
  current(): Promise<FeedSnapshot>;
  /** The snapshot when it needs no check (within freshMs of the last one), else undefined. */
  fresh(): FeedSnapshot | undefined;
  /** How many times the XML was built (tests and metrics). */
  readonly builds: number;
}

/**
 * The feed in memory, keyed by the article store's feedVersion (bumped on every change). The
 * version is read before the articles, so a snapshot is never older than its key; a change
 * during a build only makes the next request build again. Concurrent misses share one build.
 */
export function createFeedCache(deps: {
  articles: ArticleStore;
  config: FeedConfig;
  log: Logger;
  /** How long the version check may take before a snapshot we already have is served. */
  versionTimeoutMs?: number;
  /**
   * For this long after a check, the snapshot is served without asking Redis again: under load
   * that GET was a third of the server's CPU. A change shows within this window.
   */
  freshMs?: number;
  onBuild?: () => void;
}): FeedCache {
  let snapshot: FeedSnapshot | undefined;
  let building: { version: number; promise: Promise<FeedSnapshot> } | undefined;
  let builds = 0;
  let checkedAt = -Infinity;
  let checking: Promise<number> | undefined;
  const freshMs = deps.freshMs ?? 1000;
  const fresh = () => (snapshot && performance.now() - checkedAt < freshMs ? snapshot : undefined);

  const build = async (version: number): Promise<FeedSnapshot> => {
    const list = await deps.articles.list(MAX_FEED_ITEMS);
    const stored = await Promise.all(list.map((a) => deps.articles.get(a.id)));
    // The newest change among the items, not the build time: rebuilding an unchanged feed (a
    // restart, another replica) must give the same bytes and the same Last-Modified.
    const newest = Math.max(
      0,
      ...stored.map((s) => Date.parse(s?.updatedAt ?? '') || 0),
      ...list.map((a) => Date.parse(a.publishedAt) || 0),
    );
    const lastModified = newest > 0 ? wholeSeconds(newest) : undefined;
    const xml = buildFeed(list, deps.config, { now: lastModified ?? new Date(0) });
    const body = Buffer.from(xml, 'utf8');
    const etag = `"${createHash('sha256').update(body).digest('base64url')}"`;
    builds++;
    deps.onBuild?.();
    deps.log.debug({ version, items: list.length, etag }, 'feed built');
    return { version, body, etag, ...(lastModified ? { lastModified } : {}) };
  };

  return {
    get builds() {
      return builds;
    },
    fresh,
    async current() {
      const ready = fresh();
      if (ready) return ready;
      let version: number;
      try {
        // Requests that arrive together share one check.
        checking ??= withTimeout(
          deps.articles.feedVersion(),
          deps.versionTimeoutMs ?? 1000,
        ).finally(() => (checking = undefined));
        version = await checking;
        checkedAt = performance.now();
      } catch (err) {
        // Redis is slow or gone: the last good feed beats an error for a reader that polls.
        if (!snapshot) throw err;
        deps.log.warn(
          { err: (err as Error).message },
          'feed version unknown; serving the cached feed',
        );
        return snapshot;
      }
      if (snapshot?.version === version) return snapshot;
      let entry = building;
      if (entry?.version !== version) {
        const mine: { version: number; promise: Promise<FeedSnapshot> } = {
          version,
          // A build for an older version that ends last must not replace a newer snapshot.
          promise: build(version).then((s) => {
            if (building === mine || !snapshot) snapshot = s;
            return s;
          }),
        };
        building = entry = mine;
        const done = () => {
          if (building === mine) building = undefined;
        };
        mine.promise.then(done, done);
      }
      return entry.promise;
    },
  };
}

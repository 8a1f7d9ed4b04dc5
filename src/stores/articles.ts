import { ArticleSchema, type Article } from '../domain/article/index.js';
import type { Redis } from '../runtime/redis.js';
import { createKeys } from './keys.js';

export interface StoredArticle {
  article: Article;
  /** sha256 of the parser version and the file's bytes: unchanged file, unchanged hash. */
  hash: string;
  file: string;
  firstIngestedAt: string;
  updatedAt: string;
}

export type UpsertOutcome = 'created' | 'updated' | 'unchanged';

export function createArticleStore({ redis, prefix }: { redis: Redis; prefix: string }) {
  const keys = createKeys(prefix, { cluster: redis.isCluster });

  const decode = (h: Record<string, string>): StoredArticle | undefined => {
    if (!h.json) return undefined;
    return {
      article: ArticleSchema.parse(JSON.parse(h.json)),
      hash: h.hash ?? '',
      file: h.file ?? '',
      firstIngestedAt: h.firstIngestedAt ?? '',
      updatedAt: h.updatedAt ?? '',
    };
  };

  return {
    async get(id: string): Promise<StoredArticle | undefined> {
      return decode(await redis.hgetall(keys.article(id)));
    },

    /** Writes the record, the date index and the feed version in one transaction. */
    async put(
      article: Article,
      meta: { hash: string; file: string; now: Date },
    ): Promise<UpsertOutcome> {
      const key = keys.article(article.id);
      const [prevHash, firstIngestedAt] = await redis.hmget(key, 'hash', 'firstIngestedAt');
      if (prevHash === meta.hash) return 'unchanged';
      const now = meta.now.toISOString();
      await redis
        .multi()
        .hset(key, {
          json: JSON.stringify(article),
          hash: meta.hash,
          file: meta.file,
          firstIngestedAt: firstIngestedAt ?? now,
          updatedAt: now,
        })
        .zadd(keys.articlesByDate, Date.parse(article.publishedAt), article.id)
        .incr(keys.feedVersion)
        .exec();
      return firstIngestedAt ? 'updated' : 'created';
    },

    /** Forgets the hash so that the next ingest of the file does all its work again. */
    async forgetHash(id: string): Promise<void> {
      await redis.hset(keys.article(id), 'hash', '');
    },

    /** Newest first. */
    async list(limit = 50): Promise<Article[]> {
      const ids = await redis.zrevrange(keys.articlesByDate, 0, limit - 1);
      return this.getMany(ids);
    },

    async getMany(ids: string[]): Promise<Article[]> {
      if (ids.length === 0) return [];
      const pipeline = redis.pipeline();
      for (const id of ids) pipeline.hget(keys.article(id), 'json');
      const rows = (await pipeline.exec()) ?? [];
      return rows.flatMap(([, json]) =>
        typeof json === 'string' ? [ArticleSchema.parse(JSON.parse(json))] : [],
      );
    },

    async count(): Promise<number> {
      return redis.zcard(keys.articlesByDate);
    },

    /** Changes whenever an article does: the feed cache key. */
    async feedVersion(): Promise<number> {
      return Number((await redis.get(keys.feedVersion)) ?? 0);
    },
  };
}

export type ArticleStore = ReturnType<typeof createArticleStore>;

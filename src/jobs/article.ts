import { ArticleJobSchema, type ArticleJob } from './payloads.js';
import type { JobDefinition } from './types.js';

/** An article was stored or changed: make it a candidate for the next edition. */
export type ArticleJobResult = { outcome: 'candidate' | 'already-in-edition' | 'stale' };

export const articleJob: JobDefinition<ArticleJob, ArticleJobResult> = {
  schema: ArticleJobSchema,
  concurrency: () => 4,
  create:
    ({ articles, editions }) =>
    async (job) => {
      const stored = await articles.get(job.data.id);
      // A newer ingest queued its own job; this one has nothing left to do.
      if (!stored || stored.hash !== job.data.hash) return { outcome: 'stale' };
      const added = await editions.addCandidate(stored.article.id, stored.article.publishedAt);
      return { outcome: added ? 'candidate' : 'already-in-edition' };
    },
};

import { z } from 'zod';

/** An article was stored or changed: make it a feed item and a candidate for the next edition. */
export const ArticleJobSchema = z.object({
  id: z.string().min(1).max(120),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
});
export type ArticleJob = z.infer<typeof ArticleJobSchema>;

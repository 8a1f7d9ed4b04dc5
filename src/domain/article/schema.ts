import { z } from 'zod';

const text = z.string().min(1);

const BodyBlockSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('paragraph'), text }).strict(),
  z.object({ type: z.literal('heading'), text }).strict(),
]);

const MediaSchema = z
  .object({
    kind: z.enum(['image', 'video']),
    src: text.optional(),
    poster: text.optional(),
    caption: text.optional(),
    credit: text.optional(),
    durationSeconds: z.number().int().nonnegative().optional(),
    available: z.boolean().optional(),
  })
  .strict();

export const ARTICLE_ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export function isHttpUrl(v: string): boolean {
  try {
    const u = new URL(v);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

const httpUrl = z.string().refine(isHttpUrl, 'must be an http(s) URL');

/** The typed Article (docs/formats.md); key order here is the order `gazette parse` prints. */
export const ArticleSchema = z
  .object({
    id: z
      .string()
      .max(120)
      .regex(ARTICLE_ID, 'must be lowercase letters, digits and single dashes'),
    title: text.max(300),
    url: httpUrl,
    source: text.nullable(),
    dateline: text.nullable(),
    publishedAt: z.iso.datetime({ offset: false }),
    summary: z.string(),
    highlights: z.array(text),
    body: z.array(BodyBlockSchema),
    media: z.array(MediaSchema),
    contributors: z.array(text),
    tags: z.array(text),
  })
  .strict();

export type BodyBlock = z.infer<typeof BodyBlockSchema>;
export type Media = z.infer<typeof MediaSchema>;
export type Article = z.infer<typeof ArticleSchema>;

import { InvalidArticleError } from '../../runtime/errors.js';
import { matchDatelineLead } from './dateline.js';
import type { Draft } from './draft.js';
import type { FrontMatter } from './front-matter.js';
import { ArticleSchema, ARTICLE_ID, isHttpUrl, type Article, type Media } from './schema.js';
import { normalizeLine, slugify } from './text.js';
import { deriveTitle } from './title.js';

const EDITORS_NOTE = /^Editor['’]s note:/i;

export interface FinishContext {
  file: string;
  siteUrl: string;
  /** publishedAt when the front matter gives no date: the first ingest (or, for `parse`, the file's mtime). */
  fallbackPublishedAt: Date;
}

/** The rules both formats share: dateline on the lead, title, summary, id, url, date. */
export function finishArticle(draft: Draft, fm: FrontMatter, ctx: FinishContext): Article {
  const fail = (reason: string, line?: number): never => {
    throw new InvalidArticleError(ctx.file, reason, line);
  };

  // An editor's note may stand above the story; the lead (and its dateline) comes after it.
  const at = draft.blocks[0] && EDITORS_NOTE.test(draft.blocks[0].text) ? 1 : 0;
  const first = draft.blocks[at];
  if (!draft.dateline && first?.type === 'paragraph') {
    const lead = matchDatelineLead(first.text);
    if (lead) {
      draft.dateline = lead.dateline;
      if (lead.rest.trim()) first.text = lead.rest.trim();
      else draft.blocks.splice(at, 1);
    }
  }
  const lead = draft.blocks.slice(at).find((b) => b.type === 'paragraph')?.text;
  const highlights = (fm.highlights ?? draft.highlights).map(normalizeLine).filter(Boolean);
  if (!lead && highlights.length === 0 && !fm.summary) {
    fail(
      'no story text found: expected at least one paragraph after any media lines, highlights and dateline',
    );
  }

  const baseName = ctx.file
    .split(/[\\/]/)
    .pop()!
    .replace(/\.[^.]*$/, '');
  const id = fm.id ?? slugify(baseName);
  if (!ARTICLE_ID.test(id) || id.length > 120) {
    fail(
      fm.id
        ? `front matter "id": "${fm.id}" must be lowercase letters, digits and single dashes`
        : `cannot make an id from the file name "${baseName}"; give one in front matter`,
    );
  }

  const title = normalizeLine(
    fm.title ?? draft.title ?? deriveTitle(lead ?? highlights[0] ?? fm.summary ?? ''),
  );
  if (!title) fail('no title: give one in front matter, or open the story with a sentence');

  const url = fm.url ?? `${ctx.siteUrl}/articles/${id}`;
  if (!isHttpUrl(url)) fail(`front matter "url": "${fm.url}" must be an http(s) URL`);

  const media = draft.media.map(canonicalMedia);
  if (fm.image && !media.some((m) => m.src === fm.image || m.poster === fm.image)) {
    media.unshift({ kind: 'image', src: fm.image });
  }

  const article = {
    id,
    title: title.slice(0, 300),
    url,
    source: fm.source !== undefined ? fm.source : (draft.dateline?.source ?? draft.source ?? null),
    dateline: fm.dateline !== undefined ? fm.dateline : (draft.dateline?.place ?? null),
    publishedAt: (fm.date ?? draft.publishedAt ?? ctx.fallbackPublishedAt).toISOString(),
    summary: normalizeLine(fm.summary ?? lead ?? highlights[0] ?? ''),
    highlights,
    body: draft.blocks,
    media,
    // Authors a sidecar or an extractor names come first, then those the text credits.
    contributors: fm.contributors?.filter(Boolean) ?? [
      ...new Set([...(fm.authors ?? []).map(normalizeLine).filter(Boolean), ...draft.contributors]),
    ],
    tags: [...new Set((fm.tags ?? []).map(normalizeLine).filter(Boolean))],
  };
  const checked = ArticleSchema.safeParse(article);
  if (!checked.success) {
    const issue = checked.error.issues[0]!;
    return fail(`${issue.path.join('.') || 'article'}: ${issue.message}`);
  }
  return checked.data;
}

/** Media keys in the order docs/formats.md lists them, whatever order a parser found them in. */
function canonicalMedia(m: Media): Media {
  const out: Media = { kind: m.kind };
  for (const key of [
    'src',
    'poster',
    'caption',
    'credit',
    'durationSeconds',
    'available',
  ] as const) {
    if (m[key] !== undefined) (out as Record<string, unknown>)[key] = m[key];
  }
  return out;
}

import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Article } from '../../domain/article/index.js';
import { ARTICLE_ID } from '../../domain/article/schema.js';
import type { Config } from '../../runtime/config.js';
import { cleanLine } from '../../domain/hygiene.js';
import { articleHtml } from '../../domain/feed/content.js';
import type { ArticleStore } from '../../stores/articles.js';
import { safeHttpUrl } from '../../domain/render/safe.js';
import { notModified } from '../conditional.js';
import type { FeedCache } from '../feed-cache.js';
import { feedLink, html, pageCsp, raw, sendPage } from '../html.js';

/** Readers may reuse the feed for five minutes, then ask again with their validators. */
const FEED_CACHE_CONTROL = 'public, max-age=300';

export interface FeedRouteDeps {
  config: Config;
  articles: ArticleStore;
  feed: FeedCache;
}

/** GET|HEAD /feed.xml (conditional GET) and GET /articles/:id (what the feed and mail link to). */
export async function feedRoutes(app: FastifyInstance, deps: FeedRouteDeps): Promise<void> {
  app.get('/feed.xml', async (req, reply) => {
    const snap = await deps.feed.current();
    reply
      .header('etag', snap.etag)
      .header('cache-control', FEED_CACHE_CONTROL)
      .header('content-type', 'application/rss+xml; charset=utf-8');
    if (snap.lastModified) reply.header('last-modified', snap.lastModified.toUTCString());
    if (notModified(req, snap)) return reply.code(304).send();
    return reply.send(snap.body);
  });

  app.get<{ Params: { id: string } }>('/articles/:id', async (req, reply) => {
    const id = req.params.id;
    const stored =
      id.length <= 120 && ARTICLE_ID.test(id) ? await deps.articles.get(id) : undefined;
    if (!stored) return notFound(reply, deps.config, 'No such article', 'This story is not here.');
    return articlePage(reply, deps.config, stored.article);
  });
}

function articlePage(reply: FastifyReply, config: Config, a: Article): FastifyReply {
  const published = new Date(a.publishedAt);
  const source = safeHttpUrl(a.url);
  const own = `${config.siteUrl}/articles/${encodeURIComponent(a.id)}`;
  const byline = [a.dateline, a.source].map((s) => (s ? cleanLine(s) : '')).filter(Boolean);
  const body = html`<article>
    <h1>${cleanLine(a.title)}</h1>
    <p class="muted">
      <time datetime="${published.toISOString()}"
        >${published.toUTCString().replace(/ \d\d:\d\d:\d\d GMT$/, '')}</time
      >${byline.length ? ` · ${byline.join(', ')}` : ''}
    </p>
    ${a.summary ? html`<p><strong>${cleanLine(a.summary)}</strong></p>` : ''}
    ${raw(articleHtml(a, config.mediaBaseUrl))}
    ${source && source !== own ? html`<p><a href="${source}" rel="noopener">Read the story at its source</a></p>` : ''}
  </article>`;
  return sendPage(reply, 200, {
    siteName: config.siteName,
    title: cleanLine(a.title) || 'Story',
    body,
    head: feedLink(config.siteName),
    csp: pageCsp(imageSources(config)),
  });
}

/** Where an article's pictures may come from: MEDIA_BASE_URL's origin, else any https. */
function imageSources(config: Config): string[] {
  if (!config.mediaBaseUrl) return ['https:'];
  return [new URL(config.mediaBaseUrl).origin, 'https:'];
}

export function notFound(
  reply: FastifyReply,
  config: Config,
  title: string,
  message: string,
): FastifyReply {
  return sendPage(reply, 404, {
    siteName: config.siteName,
    title,
    body: html`<h1>${title}</h1>
      <p>${message}</p>
      <p><a href="/">Go to the front page</a></p>`,
  });
}

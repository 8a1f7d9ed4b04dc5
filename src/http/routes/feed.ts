import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Article } from '../../domain/article/index.js';
import { ARTICLE_ID } from '../../domain/article/schema.js';
import type { Config } from '../../runtime/config.js';
import { cleanLine } from '../../domain/hygiene.js';
import { articleHtml } from '../../domain/feed/content.js';
import type { ArticleStore } from '../../stores/articles.js';
import { safeHttpUrl } from '../../domain/render/safe.js';
import { notModified } from '../conditional.js';
import type { FeedCache, FeedSnapshot } from '../feed-cache.js';
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
  // The snapshot's headers, built once per snapshot rather than per request (one reply.headers
  // call, no date formatting). Almost every request finds the snapshot fresh and is answered
  // without a promise; only a version check or a build goes through the async path.
  let headersOf: { snap: FeedSnapshot; headers: Record<string, string> } | undefined;
  const answer = (req: FastifyRequest, reply: FastifyReply, snap: FeedSnapshot) => {
    if (headersOf?.snap !== snap) headersOf = { snap, headers: feedHeaders(snap) };
    reply.headers(headersOf.headers);
    return notModified(req, snap) ? reply.code(304).send() : reply.send(snap.body);
  };
  app.get('/feed.xml', (req, reply) => {
    const snap = deps.feed.fresh();
    if (snap) {
      answer(req, reply, snap);
      return;
    }
    return deps.feed.current().then((s) => answer(req, reply, s));
  });

  app.get<{ Params: { id: string } }>('/articles/:id', async (req, reply) => {
    const id = req.params.id;
    const stored =
      id.length <= 120 && ARTICLE_ID.test(id) ? await deps.articles.get(id) : undefined;
    if (!stored) return notFound(reply, deps.config, 'No such article', 'This story is not here.');
    return articlePage(reply, deps.config, stored.article);
  });
}

function feedHeaders(snap: FeedSnapshot): Record<string, string> {
  return {
    etag: snap.etag,
    'cache-control': FEED_CACHE_CONTROL,
    'content-type': 'application/rss+xml; charset=utf-8',
    ...(snap.lastModified ? { 'last-modified': snap.lastModified.toUTCString() } : {}),
  };
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

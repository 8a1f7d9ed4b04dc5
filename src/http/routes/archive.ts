import type { FastifyInstance } from 'fastify';
import type { Config } from '../../runtime/config.js';
import { EDITION_ID } from '../../domain/edition/edition.js';
import type { EditionStore } from '../../stores/editions.js';
import { publicCopy } from '../../domain/render/personalize.js';
import { notFound } from './feed.js';
import { html, sendPage } from '../html.js';

/**
 * The digest's own HTML: inline styles and pictures over https (or from MEDIA_BASE_URL), but no
 * script, no form, no frame, no plugin. Links open in the top window as they would from the mail.
 */
function editionCsp(mediaBaseUrl: string | undefined): string {
  const media = mediaBaseUrl ? ` ${new URL(mediaBaseUrl).origin}` : '';
  return [
    "default-src 'none'",
    "style-src 'unsafe-inline'",
    `img-src https: data:${media}`,
    'font-src https:',
    "form-action 'none'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
}

const ARCHIVE_SIZE = 100;

/** GET /editions (the archive) and GET /editions/:id (view in browser). */
export async function archiveRoutes(
  app: FastifyInstance,
  deps: { config: Config; editions: EditionStore },
): Promise<void> {
  const { config, editions } = deps;
  const csp = editionCsp(config.mediaBaseUrl);

  app.get('/editions', async (_req, reply) => {
    const ids = await editions.listIds(ARCHIVE_SIZE);
    const all = await Promise.all(ids.map((id) => editions.get(id)));
    const rendered = all.filter((e) => e?.status === 'rendered');
    const items = rendered.map(
      (e) =>
        html`<li>
          <a href="/editions/${encodeURIComponent(e!.id)}">${e!.subject ?? e!.id}</a>
          <span class="muted"
            ><time datetime="${e!.createdAt}">${e!.createdAt.slice(0, 10)}</time></span
          >
        </li>`,
    );
    return sendPage(reply, 200, {
      siteName: config.siteName,
      title: 'Archive',
      body: html`<h1>Past editions</h1>
        ${
          items.length
            ? html`<ul class="list">
                ${items}
              </ul>`
            : html`<p>No edition has been sent yet.</p>`
        }`,
    });
  });

  app.get<{ Params: { id: string } }>('/editions/:id', async (req, reply) => {
    const { id } = req.params;
    const rendered = EDITION_ID.test(id) ? await editions.getRendered(id) : undefined;
    if (!rendered) return notFound(reply, config, 'No such edition', 'This edition is not here.');
    return reply
      .header('content-type', 'text/html; charset=utf-8')
      .header('content-security-policy', csp)
      .header('cache-control', 'public, max-age=300')
      .send(publicCopy(rendered, config.siteUrl).html);
  });
}

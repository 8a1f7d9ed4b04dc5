import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { escapeHtml } from '../domain/render/safe.js';

/** Markup that is already safe: ours, or escaped on the way in. Anything else gets escaped. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

/** Trusted markup only (our own constants, or HTML another module escaped, e.g. articleHtml). */
export const raw = (value: string): SafeHtml => new SafeHtml(value);

type Value = SafeHtml | string | number | null | undefined | false | readonly Value[];

function render(v: Value): string {
  if (v === null || v === undefined || v === false) return '';
  if (v instanceof SafeHtml) return v.value;
  if (Array.isArray(v)) return v.map(render).join('');
  return escapeHtml(String(v));
}

/** A template whose every interpolation is escaped unless it is SafeHtml: no forgotten escape. */
export function html(strings: TemplateStringsArray, ...values: Value[]): SafeHtml {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += render(values[i]!) + strings[i + 1]!;
  return new SafeHtml(out);
}

// One small stylesheet for every page, allowed by its hash: no 'unsafe-inline' on our own pages.
const CSS = `
:root{color-scheme:light dark;--fg:#1b1b1b;--bg:#fff;--muted:#555;--accent:#0b57d0}
@media (prefers-color-scheme:dark){:root{--fg:#e8e8e8;--bg:#121212;--muted:#aaa;--accent:#8ab4f8}}
body{font:1.0625rem/1.55 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg);margin:0}
main{max-width:38rem;margin:0 auto;padding:2rem 1.25rem}
h1{font-size:1.6rem;line-height:1.25}a{color:var(--accent)}
label{display:block;font-weight:600;margin:1rem 0 .25rem}
input,select,button{font:inherit;padding:.5rem .65rem;border-radius:.35rem;border:1px solid var(--muted);max-width:100%}
input,select{width:100%;box-sizing:border-box;background:var(--bg);color:var(--fg)}
button{margin-top:1rem;background:var(--accent);color:var(--bg);border-color:var(--accent);cursor:pointer}
:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
.muted,footer{color:var(--muted);font-size:.9rem}footer{margin-top:3rem}
ul.list{padding-left:1.1rem}figure{margin:1rem 0}img{max-width:100%;height:auto}
`;
const CSS_HASH = `'sha256-${createHash('sha256').update(CSS).digest('base64')}'`;
// Whole, so that a formatter reflowing the page template cannot change the hashed bytes.
const STYLE = raw(`<style>${CSS}</style>`);

/** `<link rel="alternate">` to the feed, so that browsers and readers find it from any page. */
export function feedLink(siteName: string): SafeHtml {
  return html`<link
    rel="alternate"
    type="application/rss+xml"
    href="/feed.xml"
    title="${siteName}"
  />`;
}

/** The policy of our own pages; `images` adds image sources (an article's pictures). */
export function pageCsp(images: readonly string[] = []): string {
  return [
    "default-src 'none'",
    `style-src ${CSS_HASH}`,
    `img-src 'self' ${images.join(' ')}`.trim(),
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
}

export interface PageOptions {
  siteName: string;
  title: string;
  body: SafeHtml;
  /** Extra <head> markup (feed discovery, robots). */
  head?: SafeHtml;
}

function page(o: PageOptions): string {
  return `<!doctype html>${html`<html lang="en">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <title>${o.title} · ${o.siteName}</title>
      ${STYLE} ${o.head ?? ''}
    </head>
    <body>
      <main>
        ${o.body}
        <footer>
          <a href="/">${o.siteName}</a> · <a href="/editions">Archive</a> ·
          <a href="/feed.xml">RSS feed</a>
        </footer>
      </main>
    </body>
  </html>`}`;
}

/** Sends an HTML page with the security headers every page carries. */
export function sendPage(
  reply: FastifyReply,
  status: number,
  o: PageOptions & { csp?: string },
): FastifyReply {
  return reply
    .code(status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('content-security-policy', o.csp ?? pageCsp())
    .header('cache-control', 'no-store')
    .send(page(o));
}

/** JSON for API clients (a JSON body, or an Accept that prefers JSON to HTML); else a page. */
export function wantsJson(req: FastifyRequest): boolean {
  if (String(req.headers['content-type'] ?? '').startsWith('application/json')) return true;
  const accept = String(req.headers.accept ?? '');
  return accept.includes('application/json') && !accept.includes('text/html');
}

import type { Article } from '../../src/domain/article/index.js';
import { parseBytes } from './article.js';

/** Enough story text to pass as an article: Readability wants a few hundred characters. */
export const STORY = [
  'The city council voted on Tuesday to rebuild the old harbour bridge, ending a debate that has run for more than a decade and divided the waterfront.',
  'Engineers said the new span would carry trams as well as cars, and that work could begin in the spring if the national grant arrives on time.',
  'Residents who opposed the plan said they would keep watching the costs, which have already risen twice since the first estimate was published.',
];

export const storyHtml = (paras: string[] = STORY): string =>
  paras.map((p) => `<p>${p}</p>`).join('\n');

/** A page from its `<head>` and `<body>` inner HTML. */
export function page(head: string, body: string = `<article>${storyHtml()}</article>`): string {
  return `<!doctype html><html><head><meta charset="utf-8">${head}</head><body>${body}</body></html>`;
}

export const parsePage = (html: string | Uint8Array, file = 'page.html'): Article =>
  parseBytes(html, file);

export const jsonLd = (o: unknown): string =>
  `<script type="application/ld+json">${JSON.stringify(o)}</script>`;

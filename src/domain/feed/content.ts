import type { Article } from '../article/index.js';
import { cleanLine } from '../hygiene.js';
import { escapeHtml, storyImage } from '../render/safe.js';

/**
 * The whole article as HTML for content:encoded. Every piece of text is escaped, so the only
 * markup is ours, and `]]>` can only come from article text as `]]&gt;`.
 */
export function articleHtml(article: Article, mediaBaseUrl: string | undefined): string {
  const out: string[] = [];
  const image = storyImage(article, mediaBaseUrl);
  if (image) {
    const caption = image.credit
      ? `<figcaption>Image: ${escapeHtml(image.credit)}</figcaption>`
      : '';
    out.push(
      `<figure><img src="${escapeHtml(image.src)}" alt="${escapeHtml(image.alt)}">${caption}</figure>`,
    );
  }
  const highlights = article.highlights.map(cleanLine).filter(Boolean);
  if (highlights.length) {
    out.push(`<ul>${highlights.map((h) => `<li>${escapeHtml(h)}</li>`).join('')}</ul>`);
  }
  for (const block of article.body) {
    const text = cleanLine(block.text);
    if (!text) continue;
    out.push(
      block.type === 'heading' ? `<h2>${escapeHtml(text)}</h2>` : `<p>${escapeHtml(text)}</p>`,
    );
  }
  const contributors = article.contributors.map(cleanLine).filter(Boolean);
  if (contributors.length) {
    out.push(`<p><em>With reporting by ${escapeHtml(contributors.join(', '))}.</em></p>`);
  }
  return out.join('\n');
}

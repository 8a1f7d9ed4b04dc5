import type { Article } from '../article/index.js';
import { cleanLine } from '../hygiene.js';

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Safe in element content and in quoted attribute values alike. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/**
 * The URL as the WHATWG parser serialises it, when it is http(s); else undefined, and the caller
 * drops the link. Serialising percent-encodes quotes, angle brackets, spaces and controls, so the
 * result cannot break out of an attribute even before it is escaped.
 */
export function safeHttpUrl(raw: string | undefined | null): string | undefined {
  if (!raw) return undefined;
  try {
    const url = new URL(raw.trim());
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
    if (url.username || url.password) return undefined;
    return url.href;
  } catch {
    return undefined;
  }
}

export interface StoryImage {
  src: string;
  alt: string;
  credit?: string;
}

/**
 * The story's picture: the first image, or the poster of a video. A bare file name lives under
 * MEDIA_BASE_URL, so without one there is no picture rather than a broken one.
 */
export function storyImage(
  article: Article,
  mediaBaseUrl: string | undefined,
): StoryImage | undefined {
  for (const m of article.media) {
    const file = m.kind === 'image' ? m.src : m.poster;
    if (!file) continue;
    const src = mediaUrl(file, mediaBaseUrl);
    if (!src) continue;
    const caption = m.caption ? cleanLine(m.caption) : '';
    const credit = m.credit ? cleanLine(m.credit) : '';
    return {
      src,
      alt: caption || cleanLine(article.title),
      ...(credit ? { credit } : {}),
    };
  }
  return undefined;
}

/**
 * Only under MEDIA_BASE_URL: an absolute URL elsewhere would load a third party's image (a
 * tracking pixel) in every reader's mail client, so without a base there are no pictures at all.
 */
function mediaUrl(file: string, base: string | undefined): string | undefined {
  const root = base ? safeHttpUrl(`${base.replace(/\/+$/, '')}/`) : undefined;
  if (!root) return undefined;
  if (/^[a-z][a-z0-9+.-]*:/i.test(file)) {
    const url = safeHttpUrl(file);
    return url?.startsWith(root) ? url : undefined;
  }
  return safeHttpUrl(`${root}${encodeURIComponent(cleanLine(file))}`);
}

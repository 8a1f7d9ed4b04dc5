import type { Media } from '../schema.js';
import { normalizeLine, isHeadingLike } from '../text.js';
import { isElement, squash, TEXT_NODE, type DomElement, type DomNode } from './dom.js';
import { absoluteUrl } from './meta.js';

/** The story as Readability left it, in reading order: text blocks and the pictures between them. */
export type Item =
  | { type: 'paragraph'; text: string }
  | { type: 'heading'; text: string }
  | { type: 'media'; media: Media };

const BLOCK = new Set(
  'address article aside blockquote center dd details div dl dt fieldset figcaption footer header hgroup li main nav ol p pre section summary table tbody td tfoot th thead tr ul'.split(
    ' ',
  ),
);
const HEADING = /^h[1-6]$/;
// Never text of the story, wherever Readability left them.
const SKIP = new Set(
  'script style noscript template iframe frame object embed applet svg math canvas button input select textarea dialog head title'.split(
    ' ',
  ),
);
const CREDIT_CLASS = /credit|copyright|byline|source|attribution|photographer/i;
// Spacers, pixels and icons: pictures too small to be the story's.
const MIN_SIDE = 60;

/**
 * Walks Readability's content element without recursion (a page may nest deep): each block
 * element's text is one paragraph, `<br>` ends a line, `<h2>`…`<h6>` are subheads, and a
 * `<figure>` or a lone `<img>` is media with its caption and credit. Only text and http(s)
 * addresses come out: no markup, attribute or handler survives.
 */
export function readBody(root: DomElement, base: string | undefined): Item[] {
  const items: Item[] = [];
  let line = '';
  let boldOnly = true;
  const flush = () => {
    const text = normalizeLine(line);
    if (text) {
      // `<p><strong>A short line</strong></p>` between paragraphs is a subhead set in bold.
      const heading = boldOnly && isHeadingLike(text) && text.length <= 80;
      items.push({ type: heading ? 'heading' : 'paragraph', text });
    }
    line = '';
    boldOnly = true;
  };

  type Step = { node: DomNode; bold: boolean } | { end: string };
  const stack: Step[] = [{ node: root, bold: false }];
  while (stack.length > 0) {
    const step = stack.pop()!;
    if ('end' in step) {
      flush();
      continue;
    }
    const { node, bold } = step;
    if (node.nodeType === TEXT_NODE) {
      const t = node.textContent ?? '';
      if (t.trim()) boldOnly &&= bold;
      line += t.replace(/\s+/g, ' ');
      continue;
    }
    if (!isElement(node)) continue;
    const tag = node.tagName.toLowerCase();
    if (SKIP.has(tag)) continue;
    if (tag === 'br') {
      flush();
      continue;
    }
    if (HEADING.test(tag)) {
      flush();
      const text = normalizeLine(squash(node.textContent));
      if (text) items.push({ type: 'heading', text });
      continue;
    }
    if (tag === 'figure' || tag === 'picture' || tag === 'img' || tag === 'video') {
      // An icon or emoji inside a sentence is no picture and does not break the paragraph.
      const media = mediaOf(node, base);
      if (media) {
        flush();
        items.push({ type: 'media', media });
      }
      // A figure's caption is the media's; anything else inside it is read as text.
      if (tag !== 'figure') continue;
    }
    if (isCaption(node, tag)) {
      // A caption beside its picture (`<img>` then `<cite>` or `<div class="caption">`) is the
      // picture's; without one it is still no story text.
      const last = items.at(-1);
      const text = normalizeLine(squash(node.textContent));
      if (last?.type === 'media' && !last.media.caption && text) last.media.caption = text;
      continue;
    }
    const block = BLOCK.has(tag) || tag === 'figure';
    if (block) {
      flush();
      stack.push({ end: tag });
    }
    const kids = node.childNodes;
    const isBold = bold || tag === 'b' || tag === 'strong';
    for (let k = kids.length - 1; k >= 0; k--) {
      const kid = kids[k]!;
      if (
        tag === 'figure' &&
        isElement(kid) &&
        /^(?:figcaption|img|picture|video)$/i.test(kid.tagName)
      )
        continue;
      stack.push({ node: kid, bold: isBold });
    }
  }
  flush();
  return items;
}

function mediaOf(el: DomElement, base: string | undefined): Media | undefined {
  const tag = el.tagName.toLowerCase();
  const img = tag === 'img' ? el : el.querySelector('img');
  const video = tag === 'video' ? el : el.querySelector('video');
  const src = img ? imageSource(img, base) : undefined;
  const media: Media = { kind: video ? 'video' : 'image' };
  if (video) {
    const poster = absoluteUrl(video.getAttribute('poster'), base) ?? src;
    const vsrc = absoluteUrl(
      video.getAttribute('src') ?? video.querySelector('source')?.getAttribute('src'),
      base,
    );
    if (vsrc) media.src = vsrc;
    if (poster) media.poster = poster;
  } else if (src) {
    media.src = src;
  } else if (img) {
    return undefined;
  }
  const figcaption = tag === 'figure' ? el.querySelector('figcaption') : null;
  if (figcaption) {
    const creditEl = [...figcaption.querySelectorAll('*')].find((c) =>
      CREDIT_CLASS.test(`${c.getAttribute('class') ?? ''} ${c.getAttribute('itemprop') ?? ''}`),
    );
    const credit = normalizeLine(squash(creditEl?.textContent));
    let caption = normalizeLine(squash(figcaption.textContent));
    if (credit) {
      caption = normalizeLine(caption.replace(credit, ''));
      media.credit = credit.replace(/^(?:photo|image|credit|source)s?: */i, '');
    }
    if (caption) media.caption = caption;
  }
  return media.src || media.poster || media.caption ? media : undefined;
}

function imageSource(img: DomElement, base: string | undefined): string | undefined {
  const small = ['width', 'height'].some((a) => {
    const v = Number(img.getAttribute(a));
    return v > 0 && v < MIN_SIDE;
  });
  if (small) return undefined;
  // Lazy loaders keep the real address in a data attribute and a placeholder in `src`.
  const candidates = [
    img.getAttribute('data-src'),
    img.getAttribute('data-original'),
    img.getAttribute('data-lazy-src'),
    largestSrcset(img.getAttribute('srcset') ?? img.getAttribute('data-srcset')),
    img.getAttribute('src'),
  ];
  return candidates.map((c) => absoluteUrl(c, base)).find(Boolean);
}

/** `a.jpg 640w, b.jpg 1280w`: the widest. */
function largestSrcset(srcset: string | null): string | undefined {
  if (!srcset) return undefined;
  const parts = srcset
    .split(/,\s+/)
    .map((p) => p.trim().split(/\s+/))
    .map(([url, size]) => ({ url, w: parseFloat(size ?? '0') || 0 }))
    .filter((p): p is { url: string; w: number } => !!p.url);
  return parts.sort((a, b) => b.w - a.w)[0]?.url;
}

const CAPTION = /caption/i;

function isCaption(el: DomElement, tag: string): boolean {
  if (tag === 'figcaption') return true;
  const named =
    tag === 'cite' ||
    CAPTION.test(`${el.getAttribute('class') ?? ''} ${el.getAttribute('id') ?? ''}`);
  // `<div class="wp-caption">` holds the picture too: a container, not a caption.
  return named && !el.querySelector('img, picture, video, p');
}

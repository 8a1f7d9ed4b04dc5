import { Readability } from '@mozilla/readability';
import { InvalidArticleError } from '../../../runtime/errors.js';
import type { Draft } from '../draft.js';
import type { FrontMatter } from '../front-matter.js';
import type { Article, Media } from '../schema.js';
import { parseWire } from '../wire.js';
import { decodePage } from './charset.js';
import {
  parseDocument,
  removeActiveContent,
  squash,
  type DomDocument,
  type DomElement,
} from './dom.js';
import { readBody, type Item } from './body.js';
import { stripChrome } from './chrome.js';
import { linkedObjects } from './jsonld.js';
import { readPageMeta, type PageMeta } from './meta.js';
import { measureShape, PAGE_LIMITS, shapeProblem } from './shape.js';
import { MIN_STORY_CHARS, noArticleReason, profilePage } from './no-article.js';

export const HTML_EXTENSIONS = ['.html', '.htm'] as const;
/** A saved page carries its scripts and styles: far more bytes than its story. */
export const MAX_PAGE_BYTES = 16 * 1024 * 1024;

export interface HtmlPage {
  draft: Draft;
  /** What the page says about the story, in the shape front matter gives it. */
  fm: FrontMatter;
  meta: PageMeta;
}

/**
 * A saved article page into the same Draft wire copy and Markdown make: Readability finds the
 * story in the page, body.ts turns it into blocks, and the wire-copy rules then take out what a
 * scraper would have left in (player and gallery debris, bylines, stamps, taglines, datelines).
 */
export function parseHtmlPage(bytes: Uint8Array, file: string): HtmlPage {
  const { text } = decodePage(bytes, file);
  const problem = shapeProblem(measureShape(text));
  if (problem) throw new InvalidArticleError(file, `${problem}: not an article page`);

  const doc = parseDocument(text);
  const linked = linkedObjects(doc);
  const meta = readPageMeta(doc, linked);
  const profile = profilePage(doc, linked);
  removeActiveContent(doc);
  const found = findStory(doc);
  // Readability settles for a list of links when that is all there is: a front page.
  const root = found && linkShare(found) <= MAX_LINK_SHARE ? found : undefined;
  const chrome = root ? stripChrome(readBody(root, meta.url), meta.title) : undefined;
  const draft = chrome ? applyWireRules(chrome.items, meta.title) : undefined;
  const published = meta.published ?? chrome?.stampDate;
  const storyChars = draft?.blocks.reduce((n, b) => n + b.text.length, 0) ?? 0;
  if (!draft || storyChars < MIN_STORY_CHARS) {
    throw new InvalidArticleError(file, `no article: ${noArticleReason(profile, storyChars)}`);
  }
  const fm: FrontMatter = {
    ...(meta.title ? { title: meta.title } : {}),
    ...(meta.url ? { url: meta.url } : {}),
    ...(published ? { date: published } : {}),
    // Authors the page names in its metadata are its byline; a closing tagline only when it
    // names none.
    ...(meta.authors.length > 0 ? { contributors: meta.authors } : {}),
    ...(meta.images[0] ? { image: meta.images[0] } : {}),
    ...(meta.keywords.length > 0 ? { tags: meta.keywords } : {}),
  };
  return { draft, fm, meta };
}

/** Readability's pick of the page's story element, if it found one. */
function findStory(doc: DomDocument): DomElement | undefined {
  const reader = new Readability<DomElement>(doc as never, {
    maxElemsToParse: PAGE_LIMITS.elements,
    keepClasses: true,
    serializer: (node) => node as unknown as DomElement,
  });
  return reader.parse()?.content ?? undefined;
}

/**
 * The page's blocks as lines of scraped copy, one block a paragraph, through parseWire: the wire
 * rules see what they would see in a scraper's text. The page's own markup then settles which
 * blocks are subheads (parseWire can only guess from the text); pictures come from the markup.
 */
function applyWireRules(items: Item[], title: string | undefined): Draft {
  const texts = items.filter((i): i is Exclude<Item, { type: 'media' }> => i.type !== 'media');
  // The headline printed again at the top of the story is not a subhead.
  if (texts[0]?.type === 'heading' && title && sameText(texts[0].text, title)) texts.shift();
  const headings = new Set(texts.filter((t) => t.type === 'heading').map((t) => t.text));
  const draft = parseWire(texts.map((t) => t.text).join('\n\n'), { structured: true });
  draft.blocks = draft.blocks.map((b) => ({
    type: headings.has(b.text) ? 'heading' : 'paragraph',
    text: b.text,
  }));
  const pictures = items.flatMap((i) => (i.type === 'media' ? [i.media] : []));
  draft.media = [...pictures, ...draft.media.map(withoutFileName).filter(hasContent)];
  return draft;
}

const sameText = (a: string, b: string) =>
  a.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '') ===
  b.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');

/** A picture's file name in the text (`google.JPG`) is no address: the markup gives those. */
function withoutFileName(m: Media): Media {
  const { src, poster, ...rest } = m;
  const isUrl = (u: string | undefined): u is string => !!u && /^https?:\/\//.test(u);
  return { ...rest, ...(isUrl(src) ? { src } : {}), ...(isUrl(poster) ? { poster } : {}) };
}

const hasContent = (m: Media) => !!(m.src || m.poster || m.caption || m.durationSeconds);

/** The Article, with the publisher as its source when the text names no outlet of its own. */
export function withPublisher(article: Article, meta: PageMeta): Article {
  return article.source === null && meta.publisher
    ? { ...article, source: meta.publisher }
    : article;
}

/** More of the story's text than this inside links, and it is an index, not a story. */
const MAX_LINK_SHARE = 0.5;

function linkShare(root: DomElement): number {
  const all = squash(root.textContent).length;
  const linked = [...root.querySelectorAll('a')].reduce(
    (n, a) => n + squash(a.textContent).length,
    0,
  );
  return all ? linked / all : 0;
}

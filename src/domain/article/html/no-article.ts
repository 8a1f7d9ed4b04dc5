import { squash, type DomDocument } from './dom.js';
import type { Obj } from './jsonld.js';

/** What the page looked like before Readability took it apart: enough to say why it has no story. */
export interface PageProfile {
  ogType?: string;
  videoObject: boolean;
  links: number;
  /** Characters of visible text, and how many of them sit inside links. */
  textChars: number;
  linkChars: number;
}

export function profilePage(doc: DomDocument, linked: Obj[]): PageProfile {
  const ogType = doc
    .querySelector('meta[property="og:type" i], meta[name="og:type" i]')
    ?.getAttribute('content')
    ?.trim();
  const types = linked.flatMap((o) => [o['@type']].flat());
  const body = doc.querySelector('body') ?? doc.documentElement;
  const links = [...body.querySelectorAll('a[href]')];
  return {
    ...(ogType ? { ogType } : {}),
    videoObject: types.includes('VideoObject'),
    links: links.length,
    textChars: squash(body.textContent).length,
    linkChars: links.reduce((n, a) => n + squash(a.textContent).length, 0),
  };
}

/** Story text shorter than this (after debris) is a stub, not an article. */
export const MIN_STORY_CHARS = 200;

/** Why a page that yielded no story has none, in words a person can act on. */
export function noArticleReason(p: PageProfile, storyChars: number): string {
  const found = `${storyChars} characters of story text found (at least ${MIN_STORY_CHARS} make an article)`;
  if (p.ogType?.startsWith('video') || (p.videoObject && !p.ogType?.startsWith('article'))) {
    return `the page is a video page (${p.ogType ? `og:type "${p.ogType}"` : 'a JSON-LD VideoObject'}) with no written story; ${found}`;
  }
  if (p.links >= 30 && p.linkChars > p.textChars * 0.5) {
    return `the page is mostly links (${p.links} links holding ${Math.round((100 * p.linkChars) / Math.max(p.textChars, 1))}% of its text): a front page or an index, not one story; ${found}`;
  }
  return `Readability found no block of story text in the page; ${found}`;
}

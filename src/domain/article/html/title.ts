import { normalizeLine } from '../text.js';

/** The page's statements of its headline. */
export interface TitleSources {
  /** JSON-LD `headline`. */
  linked?: string | undefined;
  /** `og:title`, else `twitter:title`. */
  social?: string | undefined;
  /** `<title>`, usually with the site's name after a separator. */
  document?: string | undefined;
  /** Every `<h1>`. */
  headings: string[];
  /** The site's own name (og:site_name, the publisher): never the headline's part. */
  site?: string | undefined;
}

// The separators sites put between a headline and their own name, strongest first.
const SEPARATORS = [/ +\| +/, / +[-–—] +/, / +» +/, / +:: +/, / +· +/, / +\/ +/];

/** Letters and digits only, lower case: two statements of one headline compare equal. */
const key = (s: string): string => s.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');

/**
 * Pages state their headline up to four times, and not always alike: the `<title>` is often a
 * rewrite for search results and tabs, the JSON-LD headline and the `<h1>` the one printed over
 * the story, og:title the one for social cards. The title is the one two independent statements
 * agree on: og:title confirmed by the JSON-LD headline or an `<h1>`. When they disagree (an
 * `Analysis:` label, a rewrite), the `<title>` the publisher chose, with its site name cut off.
 * Then whichever exists. Of equal statements, the `<h1>`'s typography (curly quotes) is kept.
 */
export function chooseTitle(src: TitleSources): string | undefined {
  const headings = src.headings.filter(Boolean);
  const site = src.site ? [src.site] : [];
  const social = src.social ? cutSiteName(src.social, headings, undefined, site) : undefined;
  const documentTitle = src.document
    ? cutSiteName(src.document, headings, social, site)
    : undefined;
  const linked = src.linked ? normalizeLine(src.linked) : undefined;

  const agreed =
    social &&
    (headings.some((h) => key(h) === key(social)) || (linked && key(linked) === key(social)))
      ? social
      : undefined;
  const title = agreed ?? documentTitle ?? linked ?? social ?? headings[0];
  if (!title) return undefined;
  return headings.find((h) => key(h) === key(title)) ?? title;
}

/**
 * `Headline | Site`, `Headline - Site.com`, `Headline » Section » Site`: the headline's part.
 * A statement the page makes elsewhere (an `<h1>`, og:title) that the title starts with, or
 * that one part equals, names the part; else the longest part that is not the site's name.
 */
function cutSiteName(
  title: string,
  headings: string[],
  other?: string,
  sites: string[] = [],
): string {
  const t = normalizeLine(title);
  const known = [...headings, ...(other ? [other] : [])].map(key).filter((k) => k.length >= 8);
  const k = key(t);
  // `動画：…31人死亡 写真1枚 国際ニュース：AFPBB News` (ideographic spaces) over og:title
  // `動画：…31人死亡`.
  const prefix = [...headings, ...(other ? [other] : [])].find(
    (h) => key(h).length >= 8 && k.startsWith(key(h)) && k !== key(h),
  );
  if (prefix) return normalizeLine(prefix);
  const siteKeys = sites.map(key).filter(Boolean);
  for (const sep of SEPARATORS) {
    const parts = t
      .split(sep)
      .map((p) => p.trim())
      .filter(Boolean);
    if (parts.length < 2) continue;
    const named = parts.find((p) => known.includes(key(p)));
    if (named) return named;
    const rest = parts.filter((p) => !siteKeys.includes(key(p)));
    return (rest.length > 0 ? rest : parts).reduce((a, b) => (b.length > a.length ? b : a));
  }
  return t;
}

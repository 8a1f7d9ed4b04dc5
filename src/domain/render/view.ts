import type { Article } from '../article/index.js';
import { cleanLine, truncate } from '../hygiene.js';
import type { Edition } from '../edition/edition.js';
import { safeHttpUrl, storyImage, type StoryImage } from './safe.js';
import type { Placeholders } from './slots.js';

/** What the templates need from the configuration. */
export interface RenderConfig {
  readonly siteUrl: string;
  readonly siteName: string;
  readonly mediaBaseUrl?: string | undefined;
  readonly postalAddress: string;
  readonly secret: string;
  readonly digest: { readonly tz: string };
}

interface StoryView {
  n: number;
  title: string;
  /** Absent when the article's URL is not http(s): the card then links nowhere. */
  href?: string;
  /** "CNN · Los Angeles · 27 Mar 2016" */
  kicker: string;
  highlights: string[];
  /** Shown only when there are no highlights. */
  summary?: string;
  /** The lead paragraph, unless it merely repeats the summary shown above it. */
  lead?: string;
  image?: StoryImage;
  /** "A, B and C" */
  contributors?: string;
}

/** One plain-text, already-cleaned view of an edition: both templates read only this. */
export interface DigestView {
  lang: string;
  siteName: string;
  siteUrl: string;
  /** The site's address as people say it: `gazette.example`. */
  siteHost: string;
  subject: string;
  preheader: string;
  dateLabel: string;
  intro: string;
  viewUrl: string;
  stories: StoryView[];
  /** Titles listed at the top, when the edition has more than three stories. */
  showContents: boolean;
  postalAddress: string;
  slots: Placeholders;
}

// Caps keep a 20-story edition well under Gmail's 102 KB clipping limit whatever the input.
const MAX_HIGHLIGHTS = 4;
const MAX_HIGHLIGHT = 200;
const MAX_LEAD = 420;
const MAX_SUMMARY = 320;

/**
 * How much of each story to show: 0 everything, 1 without lead paragraphs, 2 headlines only.
 * The renderer steps down only when a full edition would pass Gmail's clipping limit.
 */
export type Detail = 0 | 1 | 2;

export function digestView(
  edition: Edition,
  config: RenderConfig,
  slots: Placeholders,
  detail: Detail = 0,
): DigestView {
  const date = new Date(edition.date);
  const long = new Intl.DateTimeFormat('en-GB', {
    timeZone: config.digest.tz,
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
  });
  const short = new Intl.DateTimeFormat('en-GB', {
    timeZone: config.digest.tz,
    day: 'numeric',
    month: 'short',
    year: 'numeric',
  });
  const n = edition.articles.length;
  return {
    lang: 'en',
    siteName: cleanLine(config.siteName),
    siteUrl: safeHttpUrl(config.siteUrl) ? config.siteUrl : '',
    siteHost: config.siteUrl.replace(/^https?:\/\//, '').replace(/\/+$/, ''),
    subject: cleanLine(edition.subject),
    preheader: truncate(cleanLine(edition.preheader), 150),
    dateLabel: long.format(date),
    intro:
      n === 1 ? 'Here is the story in this edition.' : `Here are the ${n} stories in this edition.`,
    viewUrl: `${config.siteUrl}/editions/${encodeURIComponent(edition.id)}`,
    stories: edition.articles.map((a, i) => storyView(a, i + 1, config, short, detail)),
    showContents: n > 3,
    postalAddress: cleanLine(config.postalAddress),
    slots,
  };
}

function storyView(
  a: Article,
  n: number,
  config: RenderConfig,
  fmt: Intl.DateTimeFormat,
  detail: Detail,
): StoryView {
  const highlights = (detail < 2 ? a.highlights : [])
    .map((h) => truncate(cleanLine(h), MAX_HIGHLIGHT))
    .filter(Boolean)
    .slice(0, MAX_HIGHLIGHTS);
  const summary = detail < 2 ? cleanLine(a.summary) : '';
  const firstParagraph = a.body.find((b) => b.type === 'paragraph');
  const lead = firstParagraph && detail < 1 ? cleanLine(firstParagraph.text) : '';
  const showSummary = highlights.length === 0 && summary !== '';
  const published = new Date(a.publishedAt);
  const kicker = [
    a.source ? cleanLine(a.source) : '',
    a.dateline ? cleanLine(a.dateline) : '',
    Number.isNaN(published.getTime()) ? '' : fmt.format(published),
  ].filter(Boolean);
  const href = safeHttpUrl(a.url);
  const image = storyImage(a, config.mediaBaseUrl);
  const contributors = a.contributors.map(cleanLine).filter(Boolean);
  return {
    n,
    title: cleanLine(a.title) || 'Untitled',
    ...(href ? { href } : {}),
    kicker: kicker.join(' · '),
    highlights,
    ...(showSummary ? { summary: truncate(summary, MAX_SUMMARY) } : {}),
    ...(lead && !(showSummary && lead === summary) ? { lead: truncate(lead, MAX_LEAD) } : {}),
    ...(image ? { image } : {}),
    ...(contributors.length ? { contributors: truncate(listOf(contributors), 200) } : {}),
  };
}

function listOf(names: string[]): string {
  if (names.length < 2) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names.at(-1)!}`;
}

import { matchByline } from './byline.js';
import { matchDatelineLead, matchDatelineLine } from './dateline.js';
import { isDebrisLine, matchGalleryCaption } from './debris.js';
import { takeTagline, type Draft } from './draft.js';
import { groupAt, groups, toEntries, type Entry } from './entries.js';
import { splitFused } from './fused.js';
import { isMediaGroup, matchMediaLine, mediaFromGroup, mediaRunLength } from './media-lines.js';
import { attachClip, clipMedia, mergeIntoClip } from './clips.js';
import type { BodyBlock, Media } from './schema.js';
import { matchStamp, type Stamp } from './stamp.js';
import { isRelatedLink, isSubheadLike, markSubheadings } from './subheads.js';
import { normalizeLine, HIGHLIGHTS, normalizeNewlines } from './text.js';

const BULLET = /^(?:[•*·▪-]|\d+[.)]) +/;
const EDITORS_NOTE = /^Editor['’]s note:/i;
const SENTENCE_END = /[.!?…]["'”’)\]]*$/u;

/** Text that belongs to the story itself, so it cannot be a caption. */
const isStory = (line: string): boolean =>
  HIGHLIGHTS.test(line) || !!matchDatelineLine(line) || !!matchDatelineLead(line);

export interface WireOptions {
  /**
   * The blocks come from markup that already says which are subheads and list items (a saved
   * page): a short line is then never dropped for its shape alone, only a link that says it is one.
   */
  structured?: boolean;
}

/** Wire copy as scraped from a news site (docs/formats.md, "Wire copy"). */
export function parseWire(body: string, opts: WireOptions = {}): Draft {
  const lines: string[] = [];
  for (const raw of normalizeNewlines(body).split('\n')) {
    const line = normalizeLine(raw);
    // Most lines hold one element: only split (and allocate) the few that run several together.
    if (/WATCH|highlights/i.test(line)) lines.push(...splitFused(line));
    else lines.push(line);
  }
  const entries = toEntries(lines);
  const draft: Draft = { media: [], highlights: [], blocks: [], contributors: [] };
  const paragraphs: string[] = [];
  // A line standing alone in the story: a gallery caption, a stamp, page debris, or story text.
  const take = (line: string) => {
    const caption = matchGalleryCaption(line);
    const stamp = caption ? undefined : matchStamp(line);
    if (caption) draft.media.push(caption);
    else if (stamp) applyStamp(draft, stamp);
    else if (!isDebrisLine(line)) paragraphs.push(line);
  };

  const storyStart = readPreamble(entries, draft);
  for (const group of groups(entries.slice(storyStart))) {
    if ('clip' in group) {
      draft.media.push(clipMedia(group.clip));
    } else if (isMediaGroup(group.lines, isStory)) {
      draft.media.push(...mediaFromGroup(group.lines));
    } else {
      // Media lines inside a block of text (no blank line around them) are media all the same.
      for (let k = 0; k < group.lines.length;) {
        const run = mediaRunLength(group.lines, k);
        if (run > 0) draft.media.push(...mediaFromGroup(group.lines.slice(k, k + run)));
        else take(group.lines[k]!);
        k += Math.max(run, 1);
      }
    }
  }
  draft.blocks = paragraphs.map((text) => ({ type: 'paragraph', text }) as BodyBlock);
  const before = draft.blocks.length;
  draft.contributors = [...new Set([...draft.contributors, ...takeTagline(draft.blocks)])];
  draft.blocks = markSubheadings(draft.blocks, {
    creditFollows: draft.blocks.length < before,
    guessHeadings: opts.structured !== true,
  });
  return draft;
}

function applyStamp(draft: Draft, stamp: Stamp): void {
  draft.publishedAt ??= stamp.publishedAt;
  draft.source ??= stamp.source;
}

/** Media, highlights and a dateline line, in any order, before the story; returns where it starts. */
function readPreamble(entries: Entry[], draft: Draft): number {
  let i = 0;
  let inHighlights = false;
  let highlightsEnd = -1;
  // A clip that player debris stood for, just before the media lines of the same video.
  let clip: Media | undefined;
  while (i < entries.length) {
    const entry = entries[i]!;
    if ('clip' in entry) {
      clip = attachClip(draft.media, entry.clip);
      i++;
      continue;
    }
    const prev = entries[i - 1];
    const lines = groupAt(entries, i);
    const groupStart = !prev || prev.group !== entry.group || 'clip' in prev;
    const run =
      groupStart && isMediaGroup(lines, isStory) ? lines.length : mediaRunLength(lines, 0);
    if (run > 0) {
      const items = mediaFromGroup(lines.slice(0, run));
      if (clip && items[0]) mergeIntoClip(clip, items.shift()!);
      draft.media.push(...items);
      clip = undefined;
      i += run;
      continue;
    }
    clip = undefined;
    const text = entry.text;
    const dateline = matchDatelineLine(text);
    const caption = matchGalleryCaption(text);
    const stamp = matchStamp(text);
    if (HIGHLIGHTS.test(text)) {
      inHighlights = true;
      highlightsEnd = findDatelineAhead(entries, i + 1, 9);
    } else if (dateline) {
      draft.dateline = dateline;
      inHighlights = false;
    } else if (isDebrisLine(text)) {
      // A lone `.`, `View photo`, a call to share photos: nothing of the story.
    } else if (caption) {
      draft.media.push(caption);
    } else if (stamp) {
      applyStamp(draft, stamp);
    } else if (inHighlights && (highlightsEnd >= 0 ? i < highlightsEnd : isHighlightItem(text))) {
      draft.highlights.push(text.replace(BULLET, ''));
    } else if (!inHighlights && matchByline(text)) {
      draft.contributors.push(...matchByline(text)!);
    } else if (
      !inHighlights &&
      isSubheadLike(text) &&
      /^[#@]|:/u.test(text) &&
      isRelatedLink(text)
    ) {
      // A labelled link above the story (`READ: …`, `#Tag: …`).
    } else {
      const lead = leadAhead(entries, i);
      if (lead < 0) break;
      // Teasers and promos stand between the page's top and a lead that opens with a dateline.
      for (let j = i; j < lead; j++) {
        const e = entries[j]!;
        const photo = 'text' in e ? matchGalleryCaption(e.text) : undefined;
        if (photo) draft.media.push(photo);
      }
      i = lead;
      continue;
    }
    i++;
  }
  return i;
}

/**
 * Where a lead that opens with a dateline starts, when only a few short lines (a teaser, a promo,
 * a caption) stand before it; else -1. A dateline opens the story, so nothing above it is story.
 */
function leadAhead(entries: Entry[], from: number): number {
  let groupsSeen = 0;
  for (let j = from; j < entries.length; j++) {
    const e = entries[j]!;
    if (j > from && e.group !== entries[j - 1]!.group) groupsSeen++;
    if (groupsSeen > 3) return -1;
    if (!('text' in e)) continue;
    const startsGroup = j === from || e.group !== entries[j - 1]!.group;
    if (j > from && startsGroup && (matchDatelineLead(e.text) || matchDatelineLine(e.text))) {
      return j;
    }
    if (e.text.length > 300 || HIGHLIGHTS.test(e.text) || EDITORS_NOTE.test(e.text)) return -1;
  }
  return -1;
}

/**
 * Index of the first dateline (a line of its own or opening a paragraph) within `span` entries,
 * if every line before it is short enough to be a highlight.
 */
function findDatelineAhead(entries: Entry[], from: number, span: number): number {
  for (let j = from; j < Math.min(entries.length, from + span); j++) {
    const e = entries[j]!;
    if (!('text' in e)) continue;
    if (matchDatelineLine(e.text) || matchDatelineLead(e.text)) return j;
    if (e.text.length > 250 || HIGHLIGHTS.test(e.text)) return -1;
  }
  return -1;
}

function isHighlightItem(text: string): boolean {
  return text.length <= 250 && !SENTENCE_END.test(text) && !matchMediaLine(text);
}

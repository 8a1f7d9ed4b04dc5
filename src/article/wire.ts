import { isTimeStamp, matchByline } from './byline.js';
import { matchDatelineLead, matchDatelineLine } from './dateline.js';
import { takeTagline, type Draft } from './draft.js';
import { groupAt, groups, toEntries, type Entry } from './entries.js';
import { isMediaGroup, matchMediaLine, mediaFromGroup, mediaRunLength } from './media-lines.js';
import { attachClip, clipMedia, mergeIntoClip } from './clips.js';
import type { BodyBlock, Media } from './schema.js';
import { cleanLine, HIGHLIGHTS, isHeadingLike, normalizeNewlines } from './text.js';

const BULLET = /^(?:[•*·▪-]|\d+[.)]) +/;
const SENTENCE_END = /[.!?…]["'”’)\]]*$/u;

/** Text that belongs to the story itself, so it cannot be a caption. */
const isStory = (line: string): boolean =>
  HIGHLIGHTS.test(line) || !!matchDatelineLine(line) || !!matchDatelineLead(line);

/** Wire copy as scraped from a news site (design.md, "Two input formats", 2). */
export function parseWire(body: string): Draft {
  const entries = toEntries(normalizeNewlines(body).split('\n').map(cleanLine));
  const draft: Draft = { media: [], highlights: [], blocks: [], contributors: [] };

  const storyStart = readPreamble(entries, draft);
  const paragraphs: string[] = [];
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
        else paragraphs.push(group.lines[k]!);
        k += Math.max(run, 1);
      }
    }
  }
  draft.blocks = paragraphs.map((text) => ({ type: 'paragraph', text }) as BodyBlock);
  draft.contributors = [...new Set([...draft.contributors, ...takeTagline(draft.blocks)])];
  markSubheadings(draft.blocks);
  return draft;
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
    if (HIGHLIGHTS.test(text)) {
      inHighlights = true;
      highlightsEnd = findDatelineAhead(entries, i + 1, 9);
    } else if (dateline) {
      draft.dateline = dateline;
      inHighlights = false;
    } else if (inHighlights && (highlightsEnd >= 0 ? i < highlightsEnd : isHighlightItem(text))) {
      draft.highlights.push(text.replace(BULLET, ''));
    } else if (!inHighlights && (matchByline(text) || isTimeStamp(text))) {
      draft.contributors.push(...(matchByline(text) ?? []));
    } else {
      break;
    }
    i++;
  }
  return i;
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

/** Short lines with no closing punctuation, standing alone between paragraphs. */
function markSubheadings(blocks: BodyBlock[]): void {
  for (let k = 1; k < blocks.length - 1; k++) {
    const b = blocks[k]!;
    if (isHeadingLike(b.text)) blocks[k] = { type: 'heading', text: b.text };
  }
}

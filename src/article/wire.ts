import { matchDatelineLead, matchDatelineLine } from './dateline.js';
import { takeTagline, type Draft } from './draft.js';
import { matchMediaLine, mediaFromGroup } from './media-lines.js';
import type { BodyBlock, Media } from './schema.js';
import { cleanLine, isHeadingLike, normalizeNewlines } from './text.js';
import { scrubPlayerDebris, type Clip } from './player-debris.js';

/** A non-empty line, or a video clip that player debris stood for; `group` changes at blank lines. */
type Entry = { text: string; group: number } | { clip: Clip; group: number };

const HIGHLIGHTS = /^(?:story )?highlights:?$/i;
const BULLET = /^(?:[•*·▪-]|\d+[.)]) +/;
const SENTENCE_END = /[.!?…]["'”’)\]]*$/u;

/** Wire copy as scraped from a news site (design.md, "Two input formats", 2). */
export function parseWire(body: string): Draft {
  const entries = toEntries(normalizeNewlines(body).split('\n').map(cleanLine));
  const draft: Draft = { media: [], highlights: [], blocks: [], contributors: [] };

  const storyStart = readPreamble(entries, draft);
  const paragraphs: string[] = [];
  for (const group of groups(entries.slice(storyStart))) {
    if ('clip' in group) {
      draft.media.push(clipMedia(group.clip));
    } else if (isMediaGroup(group.lines)) {
      draft.media.push(...mediaFromGroup(group.lines));
    } else {
      paragraphs.push(...splitGroup(group.lines));
    }
  }
  draft.blocks = paragraphs.map((text) => ({ type: 'paragraph', text }) as BodyBlock);
  draft.contributors = takeTagline(draft.blocks);
  markSubheadings(draft.blocks);
  return draft;
}

function toEntries(lines: string[]): Entry[] {
  const { keep, clips } = scrubPlayerDebris(lines);
  const entries: Entry[] = [];
  let group = 0;
  let blank = true;
  lines.forEach((text, i) => {
    const clip = clips.get(i);
    if (clip) entries.push({ clip, group: ++group });
    if (!text) {
      if (!blank) group++;
      blank = true;
      return;
    }
    if (!keep[i]) return;
    if (clip) group++;
    blank = false;
    entries.push({ text, group });
  });
  return entries;
}

/** Media, highlights and a dateline line, in any order, before the story; returns where it starts. */
function readPreamble(entries: Entry[], draft: Draft): number {
  let i = 0;
  let inHighlights = false;
  let highlightsEnd = -1;
  while (i < entries.length) {
    const entry = entries[i]!;
    if ('clip' in entry) {
      attachClip(draft.media, entry.clip);
      i++;
      continue;
    }
    const lines = groupAt(entries, i);
    if (lines.length > 0 && lines.length === groupLength(entries, i) && isMediaGroup(lines)) {
      draft.media.push(...mediaFromGroup(lines));
      i += lines.length;
      continue;
    }
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
    } else {
      break;
    }
    i++;
  }
  return i;
}

/** Index of the first dateline (a line of its own or opening a paragraph) within `span` entries. */
function findDatelineAhead(entries: Entry[], from: number, span: number): number {
  for (let j = from; j < Math.min(entries.length, from + span); j++) {
    const e = entries[j]!;
    if ('text' in e && (matchDatelineLine(e.text) || matchDatelineLead(e.text))) return j;
  }
  return -1;
}

function isHighlightItem(text: string): boolean {
  return text.length <= 250 && !SENTENCE_END.test(text) && !matchMediaLine(text);
}

function isMediaGroup(lines: string[]): boolean {
  return (
    lines.some((l) => matchMediaLine(l)) &&
    lines.every((l) => l.length <= 250 && !HIGHLIGHTS.test(l))
  );
}

function groupAt(entries: Entry[], i: number): string[] {
  const out: string[] = [];
  const group = entries[i]?.group;
  for (let j = i; j < entries.length; j++) {
    const e = entries[j]!;
    if (e.group !== group || 'clip' in e) break;
    out.push(e.text);
  }
  return out;
}

function groupLength(entries: Entry[], i: number): number {
  return entries.filter((e) => e.group === entries[i]!.group).length;
}

function* groups(entries: Entry[]): Generator<{ lines: string[] } | { clip: Clip }> {
  let i = 0;
  while (i < entries.length) {
    const e = entries[i]!;
    if ('clip' in e) {
      yield { clip: e.clip };
      i++;
    } else {
      const lines = groupAt(entries, i);
      yield { lines };
      i += lines.length;
    }
  }
}

/**
 * Scraped copy puts each paragraph on one line; hard-wrapped copy spreads one over several.
 * Lines that each end a sentence (or stand as a subheading) are paragraphs of their own.
 */
function splitGroup(lines: string[]): string[] {
  if (lines.length === 1) return lines;
  const separate = lines.every(
    (l, k) => SENTENCE_END.test(l) || (isHeadingLike(l) && k < lines.length - 1),
  );
  return separate ? lines : [lines.join(' ')];
}

/** Short lines with no closing punctuation, standing alone between paragraphs. */
function markSubheadings(blocks: BodyBlock[]): void {
  for (let k = 1; k < blocks.length - 1; k++) {
    const b = blocks[k]!;
    if (isHeadingLike(b.text)) blocks[k] = { type: 'heading', text: b.text };
  }
}

function clipMedia(clip: Clip): Media {
  const m: Media = { kind: 'video' };
  if (clip.title) m.caption = clip.title;
  if (clip.durationSeconds !== undefined) m.durationSeconds = clip.durationSeconds;
  return m;
}

/** Player debris right by a media group describes that group's video. */
function attachClip(media: Media[], clip: Clip): void {
  const last = media.at(-1);
  if (last && (last.kind === 'video' || last.src) && last.caption === undefined) {
    if (last.kind === 'image') {
      last.kind = 'video';
      last.poster = last.src;
      delete last.src;
    }
    if (clip.title) last.caption = clip.title;
    if (last.durationSeconds === undefined && clip.durationSeconds !== undefined) {
      last.durationSeconds = clip.durationSeconds;
    }
    return;
  }
  media.push(clipMedia(clip));
}

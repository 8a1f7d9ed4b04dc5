import { matchByline } from './byline.js';
import { matchDatelineLead, matchDatelineLine } from './dateline.js';
import { matchCreditLine, matchMediaLine } from './media-lines.js';
import type { Clip } from './clips.js';
import { scrubPlayerDebris } from './player-debris.js';
import { matchStamp } from './stamp.js';
import { matchTagline } from './tagline.js';
import { HIGHLIGHTS } from './text.js';
import { joinWrapped, wrapWidth } from './unwrap.js';

/** A logical line, or a video clip that player debris stood for; `group` changes at blank lines. */
export type Entry = { text: string; group: number } | { clip: Clip; group: number };

/** Lines that stand for themselves: never glued to a neighbour when unwrapping. */
function isStructural(line: string): boolean {
  return (
    HIGHLIGHTS.test(line) ||
    !!matchMediaLine(line) ||
    !!matchCreditLine(line) ||
    !!matchDatelineLine(line) ||
    !!matchTagline(line) ||
    !!matchByline(line) ||
    !!matchStamp(line)
  );
}

/** Cleaned physical lines into entries: player debris out, hard-wrapped lines joined back up. */
export function toEntries(lines: string[]): Entry[] {
  const { keep, clips } = scrubPlayerDebris(lines);
  const raw: Entry[] = [];
  let group = 0;
  let blank = true;
  lines.forEach((text, i) => {
    const clip = clips.get(i);
    if (clip) raw.push({ clip, group: ++group });
    if (!text) {
      if (!blank) group++;
      blank = true;
      return;
    }
    if (!keep[i]) return;
    if (clip) group++;
    blank = false;
    raw.push({ text, group });
  });
  return unwrapEntries(raw);
}

const textOf = (e: Entry | undefined): string | undefined =>
  e && 'text' in e ? e.text : undefined;

function unwrapEntries(raw: Entry[]): Entry[] {
  const structural = raw.map((e) => 'text' in e && isStructural(e.text));
  // A dateline opens the lead: nothing before it runs on into it.
  const opens = raw.map((e) => 'text' in e && !!matchDatelineLead(e.text));
  // Two lines that touch, neither of them standing for itself: candidates for a wrap.
  const touching = (k: number): boolean =>
    textOf(raw[k - 1]) !== undefined &&
    textOf(raw[k]) !== undefined &&
    raw[k - 1]!.group === raw[k]!.group &&
    !structural[k - 1] &&
    !structural[k] &&
    !opens[k];
  const pairs: [string, string][] = [];
  for (let k = 1; k < raw.length; k++) {
    if (touching(k)) pairs.push([textOf(raw[k - 1])!, textOf(raw[k])!]);
  }
  const texts = raw.filter((e, k) => 'text' in e && !structural[k]);
  const blankSeparated = new Set(texts.map((e) => e.group)).size >= 2;
  const ctx = { width: wrapWidth(pairs, blankSeparated), blankSeparated };
  // Highlights listed line by line: each item ends on its line, full stop or not.
  const list = { ...ctx, blankSeparated: false };
  const listGroups = highlightGroups(raw);
  const out: Entry[] = [];
  // The physical line last added: whether the next one continues it depends on it, not on the
  // whole paragraph joined so far.
  let line = '';
  raw.forEach((e, k) => {
    const prev = out.at(-1);
    if (prev && 'text' in prev && 'text' in e && touching(k)) {
      const next = raw[k + 1]?.group === e.group ? textOf(raw[k + 1]) : undefined;
      const joined = joinWrapped(line, e.text, next, listGroups.has(e.group) ? list : ctx);
      if (joined !== undefined) {
        prev.text = prev.text.slice(0, prev.text.length - line.length) + joined;
        line = e.text;
        return;
      }
    }
    out.push({ ...e });
    line = 'text' in e ? e.text : '';
  });
  return out;
}

/** The group holding a `Story highlights` line, or the group after it when the line stands alone. */
function highlightGroups(raw: Entry[]): Set<number> {
  const found = new Set<number>();
  raw.forEach((e, k) => {
    if (!('text' in e) || !HIGHLIGHTS.test(e.text)) return;
    const after = raw[k + 1];
    found.add(after && after.group !== e.group ? after.group : e.group);
  });
  return found;
}

/** The text lines of the group that starts at `i`, up to the next clip or blank line. */
export function groupAt(entries: Entry[], i: number): string[] {
  const out: string[] = [];
  const group = entries[i]?.group;
  for (let j = i; j < entries.length; j++) {
    const e = entries[j]!;
    if (e.group !== group || 'clip' in e) break;
    out.push(e.text);
  }
  return out;
}

export function* groups(entries: Entry[]): Generator<{ lines: string[] } | { clip: Clip }> {
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

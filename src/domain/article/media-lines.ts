import type { Media } from './schema.js';

/** What one line before (or inside) the story says about a picture or a clip. */
export type MediaLine =
  | { role: 'file'; file: string }
  | { role: 'unavailable' }
  | { role: 'clip'; durationSeconds: number; credit: string }
  | { role: 'credit'; credit: string };

const IMAGE_EXT = new Set(['jpg', 'jpeg', 'png', 'gif', 'webp', 'avif']);
const UNAVAILABLE = /^(?:this )?video (?:is )?(?:no longer|not|currently not|un) ?available\.?$/i;
const CLIP = /^(?:(\d{1,2}):)?(\d{1,2}):(\d{2}) ?(?:[-–—|] ?)?Source: ?(.+?)\.?$/i;
const CREDIT = /^(?:Source|Credit|Photo|Image|Video|Photograph) ?: ?(.+)$/i;

export function matchMediaLine(line: string): MediaLine | undefined {
  // Every media line is short; story paragraphs are not, and are tested most often.
  if (line.length > 210) return undefined;
  if (IMAGE_EXT.has(line.slice(line.lastIndexOf('.') + 1).toLowerCase())) {
    if (/^\S/.test(line) && line.split(' ').length <= 15) return { role: 'file', file: line };
  }
  if (UNAVAILABLE.test(line)) return { role: 'unavailable' };
  const clip = CLIP.exec(line);
  if (clip) {
    const [, h = '0', m, s, credit] = clip;
    return {
      role: 'clip',
      durationSeconds: Number(h) * 3600 + Number(m) * 60 + Number(s),
      credit: credit!.trim(),
    };
  }
  return undefined;
}

/** `Source: Reuters` counts only inside a group that another media line already made media. */
export function matchCreditLine(line: string): string | undefined {
  return CREDIT.exec(line)?.[1]?.trim() || undefined;
}

/**
 * Consecutive lines describe one item: a file line is the picture (the poster, once the group
 * turns out to be a clip); other lines are its caption. A second file starts a second item.
 */
export function mediaFromGroup(lines: string[]): Media[] {
  const items: Media[] = [];
  let file: string | undefined;
  let video = false;
  let available: boolean | undefined;
  let durationSeconds: number | undefined;
  let credit: string | undefined;
  const caption: string[] = [];

  const flush = () => {
    if (file === undefined && !video && caption.length === 0) return;
    const item: Media = { kind: video ? 'video' : 'image' };
    if (file !== undefined) {
      if (video) item.poster = file;
      else item.src = file;
    }
    if (caption.length) item.caption = caption.join(' ');
    if (credit) item.credit = credit;
    if (durationSeconds !== undefined) item.durationSeconds = durationSeconds;
    if (available !== undefined) item.available = available;
    items.push(item);
    file = credit = durationSeconds = available = undefined;
    video = false;
    caption.length = 0;
  };

  for (const line of lines) {
    const m = matchMediaLine(line);
    if (m?.role === 'file') {
      if (file !== undefined) flush();
      file = m.file;
    } else if (m?.role === 'unavailable') {
      video = true;
      available = false;
    } else if (m?.role === 'clip') {
      if (durationSeconds !== undefined) flush();
      video = true;
      durationSeconds = m.durationSeconds;
      credit = m.credit;
    } else {
      const c = matchCreditLine(line);
      if (c && !credit) credit = c;
      else caption.push(line);
    }
  }
  flush();
  return items;
}

/**
 * A block (lines between blank lines) that describes media: at least one media line, and at most
 * two other short lines (a caption, a credit). More than that is story text with a picture in it.
 */
export function isMediaGroup(lines: string[], isStory: (line: string) => boolean): boolean {
  const others = lines.filter((l) => !matchMediaLine(l) && !matchCreditLine(l));
  return (
    others.length < lines.length &&
    others.length <= 2 &&
    others.every((l) => l.length <= 200 && !isStory(l))
  );
}

/** How many lines from `from` are media lines (and the credit lines that go with them). */
export function mediaRunLength(lines: string[], from: number): number {
  let n = 0;
  while (from + n < lines.length) {
    const line = lines[from + n]!;
    if (!matchMediaLine(line) && !(n > 0 && matchCreditLine(line))) break;
    n++;
  }
  return n;
}

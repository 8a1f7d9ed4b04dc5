import type { Clip } from './clips.js';
import { scrubGallery } from './gallery.js';
import { isSubheadLike } from './subheads.js';
import { isHeadingLike } from './text.js';

const JUST_WATCHED = /^JUST WATCHED$/i;
const MUST_WATCH = /^MUST WATCH$/i;
const MARKER =
  /^(?:JUST WATCHED|MUST WATCH|Replay|More Videos ?(?:\.\.\.|…)?|Video Ad Feedback|Now Playing|Hide Caption|Show Caption|Expand Caption|\d+ of \d+)$/i;
const TRAILING_TIME = / \(?(?:(\d{1,2}):)?(\d{1,2}):(\d{2})\)?$/;
const SENTENCE_END = /[.!?…]["'”’)\]]*$/u;

/**
 * Video-player debris (`JUST WATCHED`, the clip title, `Replay`, `More Videos ...`, `MUST WATCH`,
 * the title again with its time) never reaches the body. Returns which lines to keep, and for the
 * first line of each run of debris the clip it described.
 */
export function scrubPlayerDebris(lines: string[]): { keep: boolean[]; clips: Map<number, Clip> } {
  const keep = lines.map(() => true);
  const clips = new Map<number, Clip>();
  scrubGallery(lines, keep, clips);
  const idx = lines.flatMap((l, i) => (l ? [i] : []));

  for (let k = 0; k < idx.length; k++) {
    const i = idx[k]!;
    const line = lines[i]!;
    if (!keep[i] || !MARKER.test(line)) continue;
    keep[i] = false;
    if (!JUST_WATCHED.test(line) && !MUST_WATCH.test(line)) continue;

    const clip: Clip = {};
    let end = k;
    const next = lines[idx[k + 1] ?? -1];
    if (JUST_WATCHED.test(line) && next !== undefined && isClipTitle(next)) {
      clip.title = next;
      keep[idx[k + 1]!] = false;
      end = k + 1;
      // Up to MUST WATCH, everything is the player's, as long as it looks like the player's.
      for (let j = k + 2; j < Math.min(idx.length, k + 10); j++) {
        const t = lines[idx[j]!]!;
        if (MUST_WATCH.test(t)) {
          for (let x = k + 2; x <= j; x++) keep[idx[x]!] = false;
          end = j;
          break;
        }
        if (!MARKER.test(t) && !isClipTitle(t)) break;
      }
    }
    // After MUST WATCH comes the clip's title once more, often with its running time.
    if (MUST_WATCH.test(lines[idx[end]!]!)) {
      const after = lines[idx[end + 1] ?? -1];
      if (
        after !== undefined &&
        isClipTitle(after) &&
        (!clip.title || after.startsWith(clip.title) || TRAILING_TIME.test(after))
      ) {
        keep[idx[end + 1]!] = false;
        end++;
        const time = TRAILING_TIME.exec(after);
        const title = time ? after.slice(0, time.index).trim() : after;
        if (!clip.title && title) clip.title = title;
        if (time)
          clip.durationSeconds =
            Number(time[1] ?? 0) * 3600 + Number(time[2]) * 60 + Number(time[3]);
      }
    }
    if (clip.title || clip.durationSeconds !== undefined || JUST_WATCHED.test(line))
      clips.set(i, clip);
    k = end;
  }
  return { keep, clips };
}

function isClipTitle(line: string): boolean {
  if (MARKER.test(line) || line.length > 150) return false;
  return (
    isHeadingLike(line.replace(TRAILING_TIME, '')) ||
    // Clip titles quote (`Obama: 'We will get this done'`) or ask, as subheads do.
    isSubheadLike(line.replace(TRAILING_TIME, '')) ||
    (TRAILING_TIME.test(line) && !SENTENCE_END.test(line))
  );
}

import type { Clip } from './clips.js';

const TITLE = /^(?:Photos?|Gallery|In pictures): \S/i;
const HIDE = /^Hide Caption$/i;
const COUNT = /^(\d+) of (\d+)$/;

/**
 * Photo-gallery debris: `Photos: title`, then for each photo its caption, `Hide Caption` and
 * `k of n`. The lines leave the story; each caption becomes a photo (a clip marked `photo`) on its
 * `Hide Caption` line. `keep` and `clips` are updated in place.
 */
export function scrubGallery(lines: string[], keep: boolean[], clips: Map<number, Clip>): void {
  const idx = lines.flatMap((l, i) => (l ? [i] : []));
  for (let k = 0; k < idx.length; k++) {
    if (!TITLE.test(lines[idx[k]!]!)) continue;
    const ahead = idx.slice(k + 1, k + 6).map((i) => lines[i]!);
    if (!ahead.some((l) => HIDE.test(l) || COUNT.test(l))) continue;

    keep[idx[k]!] = false;
    let caption: number[] = [];
    let j = k + 1;
    for (; j < idx.length; j++) {
      const i = idx[j]!;
      const line = lines[i]!;
      if (HIDE.test(line)) {
        const title = caption.map((c) => lines[c]).join(' ');
        clips.set(i, title ? { title, photo: true } : { photo: true });
        for (const c of [...caption, i]) keep[c] = false;
        caption = [];
      } else if (COUNT.test(line)) {
        keep[i] = false;
        const [, at, of] = COUNT.exec(line)!;
        if (at === of) break;
      } else if (caption.length >= 3 || TITLE.test(line)) {
        // Three lines and no marker, or another gallery: the story has resumed.
        break;
      } else {
        caption.push(i);
      }
    }
    // Lines read as captions but never closed by a marker are the story's; look at them again.
    k = caption.length > 0 ? idx.indexOf(caption[0]!) - 1 : j;
  }
}

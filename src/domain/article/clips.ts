import type { Media } from './schema.js';

/** A video the scraped player stood for: its title and, when shown, its running time. */
export interface Clip {
  title?: string;
  durationSeconds?: number;
  /** A still from a photo gallery rather than a video. */
  photo?: boolean;
}

/** Media items from what player and gallery debris stood for. */
export function clipMedia(clip: Clip): Media {
  const m: Media = { kind: clip.photo ? 'image' : 'video' };
  if (clip.title) m.caption = clip.title;
  if (clip.durationSeconds !== undefined) m.durationSeconds = clip.durationSeconds;
  return m;
}

/**
 * Player debris right after a media group describes that group's video. Returns the item when
 * the debris stands alone, so that media lines right after it can join it.
 */
export function attachClip(media: Media[], clip: Clip): Media | undefined {
  const last = media.at(-1);
  if (clip.photo) {
    media.push(clipMedia(clip));
    return undefined;
  }
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
    return undefined;
  }
  const item = clipMedia(clip);
  media.push(item);
  return item;
}

/** Media lines right after a clip's debris: the picture is its poster, the rest fills the gaps. */
export function mergeIntoClip(clip: Media, item: Media): void {
  const { kind, src, ...rest } = item;
  if (kind === 'image' && src !== undefined) rest.poster ??= src;
  else if (src !== undefined) clip.src ??= src;
  for (const [key, value] of Object.entries(rest) as [keyof Media, never][]) clip[key] ??= value;
}

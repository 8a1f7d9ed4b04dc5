import type { Dateline } from './dateline.js';
import type { BodyBlock, Media } from './schema.js';
import { matchTagline } from './tagline.js';

/** What a format parser found, before the rules both formats share (finish.ts) make an Article. */
export interface Draft {
  media: Media[];
  highlights: string[];
  blocks: BodyBlock[];
  contributors: string[];
  dateline?: Dateline;
  /** A title the body itself states (a Markdown `# heading`). */
  title?: string;
  /** From a stamp line (`Published November 13, 2015 Associated Press`), stamp.ts. */
  publishedAt?: Date;
  /** The outlet a stamp line names, when no dateline names one. */
  source?: string;
}

/** Removes the contributor tagline(s) closing the story; returns the names in order. */
export function takeTagline(blocks: BodyBlock[]): string[] {
  const found: string[][] = [];
  for (;;) {
    const last = blocks.at(-1);
    const names =
      last?.type === 'paragraph' ? matchTagline(last.text, found.length > 0) : undefined;
    if (!names) break;
    found.unshift(names);
    blocks.pop();
  }
  return [...new Set(found.flat())];
}

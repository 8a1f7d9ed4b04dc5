import { parsePageDate } from './dates.js';
import type { Item } from './body.js';

/**
 * Page chrome that Readability leaves inside the story element: the text of the page around the
 * story rather than the story. Each rule is about the shape of a block, never about one site:
 *   - before the headline printed again: breadcrumbs and edition menus; the headline itself;
 *     after it, its furniture (date, reading time, view count) up to the first sentence;
 *   - a stamp line (a date, with a time or place) near the top: its date is kept, the line not;
 *   - the same short block three times or more (slide titles, "Advertisement");
 *   - blocks with no letters at all (pagers: `<<`, `1`, `2`, …);
 *   - closing sign-offs: copyright lines, `(END)`, a reporter's address alone, a lead-in ending
 *     with a colon that nothing follows (`See more photos:`).
 * The wire-copy rules run after these (html/index.ts).
 */
export interface Stripped {
  items: Item[];
  /** The date a stamp line gave, for a page whose metadata has none. */
  stampDate?: Date;
}

type TextItem = Exclude<Item, { type: 'media' }>;
const isText = (i: Item): i is TextItem => i.type !== 'media';

const key = (s: string): string => s.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
const SENTENCE_END = /[.!?…。！？]["'”’»)\]]*$/u;
const SHORT = 80;
// (c) 2013 Cable News Network; © Yonhap; Copyright 2024 …; … All rights reserved.
const COPYRIGHT = /^(?:™ ?& ?)?(?:\(c\)|©|copyright\b)|all rights reserved\.?$/i;
const SIGN_OFF = /^(?:\(?end\)?|-+ ?end ?-+|#{3}|\[?ends?\]?)$/i;
const EMAILS = /^(?:[\w.+-]+@[\w-]+(?:\.[\w-]+)+[ ,;]*)+(?:\(END\))?$/i;

export function stripChrome(items: Item[], title: string | undefined): Stripped {
  let out = [...items];
  let stampDate: Date | undefined;

  // The headline again, alone or closing a breadcrumb trail (`HomeLatest NewsThe headline`).
  const t = title ? key(title) : '';
  const texts = out.filter(isText);
  const at = t
    ? texts
        .slice(0, 12)
        .findIndex(
          (i) =>
            key(i.text) === t ||
            (key(i.text).endsWith(t) && i.text.length <= title!.length + SHORT),
        )
    : -1;
  if (at >= 0 && texts.slice(0, at).every((i) => i.text.length <= SHORT)) {
    const cut = out.indexOf(texts[at]!);
    out = out.slice(cut + 1);
    // Its furniture: short lines that are no sentence, up to the story's first sentence.
    while (
      out[0] &&
      isText(out[0]) &&
      out[0].text.length <= 60 &&
      !SENTENCE_END.test(out[0].text)
    ) {
      stampDate ??= stampOf(out[0].text);
      out.shift();
    }
  }

  // Stamp lines among the first blocks.
  const firstTexts = out.filter(isText).slice(0, 5);
  out = out.filter((i) => {
    if (!isText(i) || !firstTexts.includes(i)) return true;
    const d = stampOf(i.text);
    if (d) stampDate ??= d;
    return !d;
  });

  // Repeated short blocks and blocks without letters.
  const counts = new Map<string, number>();
  for (const i of out)
    if (isText(i) && i.text.length <= 150) counts.set(i.text, (counts.get(i.text) ?? 0) + 1);
  out = out.filter((i) => !isText(i) || ((counts.get(i.text) ?? 0) < 3 && /\p{L}/u.test(i.text)));

  // Closing sign-offs, from the end.
  for (;;) {
    const k = out.findLastIndex(isText);
    const last = out[k] as TextItem | undefined;
    if (!last) break;
    const s = last.text;
    const signOff =
      (s.length <= 300 && COPYRIGHT.test(s)) ||
      SIGN_OFF.test(s) ||
      EMAILS.test(s) ||
      // `The-CNN-Wire`: a bare outlet tag, no spaces.
      (s.length <= 40 && !s.includes(' ') && /^\p{Lu}/u.test(s) && s.includes('-')) ||
      (/[:：]$/.test(s) && s.length <= SHORT);
    if (!signOff) break;
    out.splice(k, 1);
  }
  return stampDate ? { items: out, stampDate } : { items: out };
}

/** The date a short line that is nothing but a date stamp gives, else undefined. */
function stampOf(line: string): Date | undefined {
  if (line.length > SHORT || (SENTENCE_END.test(line) && !/\d[.]?$/.test(line))) return undefined;
  const stripped = line.replace(
    /^(?:published|posted|updated|last updated|publicado|actualizado|公開|更新|입력|수정)[:：]? */i,
    '',
  );
  return parsePageDate(stripped);
}

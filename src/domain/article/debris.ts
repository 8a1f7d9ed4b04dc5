import type { Media } from './schema.js';

/**
 * Lines a scraper keeps from the page around the story, each standing alone (a paragraph of its
 * own). They are never story text, wherever they stand; the HTML parser applies the same rules to
 * its blocks. Rules go by the form of the line, never by the words of one story.
 */

// No letter or digit at all: a lone `.` or `*`, a rule of dashes.
const NO_WORDS = /^[^\p{L}\p{N}]*$/u;

// Buttons and labels of the page: `View photo`, `Click to enlarge`, `Advertisement`.
const CONTROL =
  /^(?:view (?:photos?|gallery|slideshow|videos?|image|larger image|comments?)|(?:click|tap) (?:here )?to (?:enlarge|expand|play|watch)|enlarge (?:this )?(?:image|photo)|(?:play|watch) (?:the )?(?:full )?video|advertisement|continue reading(?: (?:below|the main story))?|read (?:more|full (?:article|story))|skip (?:ad|advertisement)|share (?:this )?(?:article|story|page)?|(?:show|hide|expand) caption|close|print|e-?mail|tweet|comments?)\.?$/i;

// Social-media embeds: the attribution line an embedded post leaves behind.
const EMBEDS = [
  // Instagram: `A photo posted by Jane Doe (@janedoe) on Nov 13, 2015 at 5:03pm PST`
  /^An? (?:photo|video|post) (?:posted|shared) by .{1,100}\(@[\w.]{1,30}\) on .{4,60}$/i,
  // Twitter: `… pic.twitter.com/AbC123 — Jane Doe (@janedoe) November 13, 2015`
  /(?:^|\s)(?:—|–|-{1,2}) ?[^()]{1,60} \(@\w{1,15}\) (?:\p{L}+\.? \d{1,2}, \d{4}|\d{1,2} \p{L}+ \d{4})$/u,
  /^(?:pic\.twitter\.com\/\w+|View this post on Instagram|Embedded (?:content|video|tweet|post)(?: from .{1,60})?)$/i,
  // Facebook: `Posted by Harbour News on Tuesday, November 13, 2015`
  /^Posted by .{1,80} on (?:\p{L}+day, )?\p{L}+ \d{1,2}, \d{4}$/u,
];

// "This story has been updated" and its kin, before or after the story.
const UPDATED =
  /^\(?(?:(?:Editor['’]s note|Update|Note): )?(?:This|The) (?:version of (?:the|this) )?(?:story|article|report|post|piece|page) (?:(?:has been|was|is being|had been) )?(?:updated|corrected|revised|refiled|corrects|adds|updates|fixes|removes)\b/i;

// Rights lines: `Copyright 2015 The Associated Press. All rights reserved. …`, `© 2026 Outlet`.
// `Copyright lawyers said …` is a sentence: a rights line names its year at once.
const RIGHTS = /^(?:Copyright ?(?:©|\(c\))?|©|\(c\)) ?\d{4}\b/i;
const RESERVED = /\bAll rights reserved\.?$/i;

// Calls to action: `Please share your videos, pictures and stories at iReport.`, `Sign up …`.
const CALL_TO_ACTION = [
  /\b(?:share|send|submit|upload|tell) (?:us )?your (?:own )?(?:videos?|photos?|pictures?|images?|stories|story|experiences?|thoughts|views|questions|tips)\b/i,
  /^(?:Sign up|Subscribe|Follow (?:us|@\w+)|Like us on|(?:Click|Tap) here\b|Download (?:the|our) (?:\p{L}+ )?app|Get (?:our|the) .{0,40}newsletter)\b/iu,
];

/** True for a line that is page debris, never story text. */
export function isDebrisLine(line: string): boolean {
  if (NO_WORDS.test(line)) return true;
  if (line.length > 300) return false;
  if (CONTROL.test(line) || UPDATED.test(line) || RIGHTS.test(line)) return true;
  if (/reserved\.?$/.test(line.slice(-10)) && RESERVED.test(line)) return true;
  // Cheap tests first: every paragraph of every story passes through here.
  if (/\(@|pic\.|post|Embedded/.test(line) && EMBEDS.some((re) => re.test(line))) return true;
  return CALL_TO_ACTION[1]!.test(line) || (/your /i.test(line) && CALL_TO_ACTION[0]!.test(line));
}

// `1 of 4. Authorities monitor … December 29, 2014. REUTERS/Beawiharta`
const GALLERY_CAPTION = /^(\d{1,3}) of (\d{1,3})[.:]? +(\S.*)$/u;
// The photographer's credit closing an agency caption: `REUTERS/Name`, `AP Photo/Name`.
const PHOTO_CREDIT =
  / +((?:\p{Lu}[\p{L}&]*(?: \p{Lu}[\p{L}&]*){0,2})\/ ?\p{Lu}[\p{L}.'’ -]{1,60})$/u;

/** A gallery caption as a photo (caption, and its credit when it ends with one), or undefined. */
export function matchGalleryCaption(line: string): Media | undefined {
  const m = GALLERY_CAPTION.exec(line);
  if (!m || Number(m[1]) < 1 || Number(m[1]) > Number(m[2])) return undefined;
  let caption = m[3]!.trim();
  const media: Media = { kind: 'image' };
  const credit = PHOTO_CREDIT.exec(caption);
  if (credit && credit.index > 0) {
    media.credit = credit[1]!.trim();
    caption = caption.slice(0, credit.index).trim();
  }
  if (caption) media.caption = caption;
  return media;
}

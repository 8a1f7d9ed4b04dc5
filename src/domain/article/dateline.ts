import { normalCasePlace } from './place.js';

/**
 * Wire datelines, after no-break spaces became plain ones:
 *   `CNN —` (often a line of its own), `(CNN) --`, `(CNN)Text`, `Los Angeles (CNN) --`,
 *   `WASHINGTON —`, `Beirut, Lebanon (CNN) —`, `JAKARTA (Reuters) -`, `NEW YORK (AP) —`,
 *   `NEW YORK/LONDON (Reuters) -` (two places), `WASHINGTON, Nov. 13 (UPI) --` (with its date).
 * The place comes out in normal case (place.ts); the outlet in brackets is the source.
 */
export interface Dateline {
  source: string | null;
  place: string | null;
}

const DASH = String.raw`(?:—|–|--|-)`;
const PLACE = String.raw`[\p{Lu}][\p{L}.'’/-]*(?:,? [\p{L}.'’/-]+){0,4}`;
// The day some agencies set between place and outlet: `JAKARTA, Dec 30 (Reuters) -`.
const DAY = String.raw`(?:, (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.? \d{1,2})`;
const SOURCE = String.raw`[\p{Lu}][\p{L}\d&.'’]*(?: [\p{Lu}][\p{L}\d&.'’]*){0,3}`;

const PAREN_LINE = new RegExp(
  String.raw`^(?:(${PLACE})${DAY}?,? )?\((${SOURCE})\) ?(?:${DASH})?$`,
  'u',
);
const BARE_LINE = new RegExp(
  String.raw`^(${SOURCE}(?:, [\p{Lu}][\p{L}.'’-]*(?: [\p{Lu}][\p{L}.'’-]*){0,2})?) ?${DASH}$`,
  'u',
);
const PAREN_LEAD = new RegExp(
  String.raw`^(?:(${PLACE})${DAY}?,? )?\((${SOURCE})\)( ?(?:—|–|--) ?| - | ?)(?=\S)`,
  'u',
);
const CAPS_LEAD =
  /^([A-Z][A-Z.&']+(?: [A-Z][A-Z.&']+){0,3}(?:, [A-Z][\p{L}.]+(?: [A-Z][\p{L}.]+)?)?) ?(?:—|–|--) ?(?=\S)/u;

const KNOWN_SOURCES =
  /^(?:CNN(?: [\p{Lu}][\p{L}]+)?|AP|AFP|UPI|Reuters|BBC(?: News)?|NPR|Bloomberg|Associated Press|Al Jazeera|dpa|EFE|ANSA|Xinhua|TASS|Kyodo|PA)$/u;

function bare(token: string): Dateline | undefined {
  // `CNN —` names the source; `WASHINGTON —` names a place. A short capitalised word before a
  // dash is as likely to open a sentence (`NATO — the alliance …`): neither, unless it is a
  // known agency, or as long as few acronyms are, or says where with a region (`ROME, Italy —`).
  if (KNOWN_SOURCES.test(token)) return { source: token, place: null };
  const word = token.split(',')[0]!;
  if (/^[A-Z]{2,5}$/.test(word) && !token.includes(',')) return undefined;
  return { source: null, place: normalCasePlace(token) };
}

/** A line that is nothing but a dateline. */
export function matchDatelineLine(line: string): Dateline | undefined {
  if (line.length > 80) return undefined;
  const p = PAREN_LINE.exec(line);
  if (p) return { place: p[1] ? normalCasePlace(p[1]) : null, source: p[2]! };
  const b = BARE_LINE.exec(line);
  return b ? bare(b[1]!) : undefined;
}

/** A dateline opening a paragraph: the dateline and the paragraph's text without it. */
export function matchDatelineLead(
  paragraph: string,
): { dateline: Dateline; rest: string } | undefined {
  const p = PAREN_LEAD.exec(paragraph);
  if (p) {
    const [whole, place, source, sep] = p;
    // `Amnesty International (AI) said …` is a sentence; a real dateline has a dash, or its text
    // follows the parenthesis at once, or nothing stands before the parenthesis.
    const dashed = /[—–-]/.test(sep!);
    if (dashed || sep === '' || !place || KNOWN_SOURCES.test(source!)) {
      return {
        dateline: { place: place ? normalCasePlace(place) : null, source: source! },
        rest: paragraph.slice(whole.length),
      };
    }
  }
  const c = CAPS_LEAD.exec(paragraph);
  const dateline = c ? bare(c[1]!) : undefined;
  return dateline ? { dateline, rest: paragraph.slice(c![0].length) } : undefined;
}

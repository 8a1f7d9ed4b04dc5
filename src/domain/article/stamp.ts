/**
 * Stamp lines that pages print above or below a story:
 *   `Updated 1:23 PM ET, Sun March 22, 2026`
 *   `Published November 13, 2015 Associated Press`
 *   `Posted: 13 November 2015 09:30 GMT | Reuters`
 * They are never story text. A `Published`/`Posted` stamp dates the story; an outlet named after
 * the date is the story's source.
 */
export interface Stamp {
  /** When the stamp says the story was first published (an `Updated` stamp gives none). */
  publishedAt?: Date;
  source?: string;
}

const MONTHS = 'jan feb mar apr may jun jul aug sep oct nov dec'.split(' ');
const MONTH = String.raw`(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?`;
const WEEKDAY = String.raw`(?:Mon|Tue|Tues|Wed|Thu|Thur|Thurs|Fri|Sat|Sun)(?:day|sday|nesday|rsday|urday)?\.?,?`;

const LEAD = /^(Published|Posted|First published|Updated|Last updated|Modified)(?: on)?:? /i;
const MDY = new RegExp(String.raw`\b(${MONTH}) (\d{1,2}),? (\d{4})\b`, 'i');
const DMY = new RegExp(String.raw`\b(\d{1,2}) (${MONTH}),? (\d{4})\b`, 'i');
const ISO_DAY = /\b(\d{4})-(\d{2})-(\d{2})\b/;
const TIME =
  /\b(\d{1,2})[:.](\d{2})(?: ?([ap])\.?m\.?)?(?: ?(ET|EST|EDT|CT|CST|CDT|MT|MST|MDT|PT|PST|PDT|GMT|UTC|BST|CET|CEST))?\b/i;
const WEEKDAY_RE = new RegExp(String.raw`\b${WEEKDAY}`, 'gi');
// An outlet: a few capitalised words (`Associated Press`, `Reuters`, `The Associated Press`).
const OUTLET = /^(?:The )?\p{Lu}[\p{L}&.'’-]*(?: \p{Lu}[\p{L}&.'’-]*){0,3}$/u;

// Hours from UTC; US zones without S/D follow the US daylight-saving rule of the date.
const FIXED: Record<string, number> = {
  GMT: 0,
  UTC: 0,
  BST: 1,
  CET: 1,
  CEST: 2,
  EST: -5,
  EDT: -4,
  CST: -6,
  CDT: -5,
  MST: -7,
  MDT: -6,
  PST: -8,
  PDT: -7,
};
const US: Record<string, number> = { ET: -5, CT: -6, MT: -7, PT: -8 };

/** US daylight saving: from the second Sunday of March to the first Sunday of November. */
function usDaylight(y: number, m: number, d: number): boolean {
  const sunday = (month: number, nth: number) => {
    const first = new Date(Date.UTC(y, month, 1)).getUTCDay();
    return 1 + ((7 - first) % 7) + 7 * (nth - 1);
  };
  if (m < 2 || m > 10) return false;
  if (m > 2 && m < 10) return true;
  return m === 2 ? d >= sunday(2, 2) : d < sunday(10, 1);
}

function monthIndex(name: string): number {
  return MONTHS.indexOf(name.slice(0, 3).toLowerCase());
}

/** The stamp a line is, or undefined when it is anything else (`Updated figures show …`). */
export function matchStamp(line: string): Stamp | undefined {
  if (line.length > 120 || /\.$/.test(line)) return undefined;
  const lead = LEAD.exec(line);
  if (!lead) return undefined;
  let rest = line.slice(lead[0].length);

  let ymd: [number, number, number] | undefined;
  const mdy = MDY.exec(rest);
  const dmy = mdy ? null : DMY.exec(rest);
  const iso = mdy || dmy ? null : ISO_DAY.exec(rest);
  const found = mdy ?? dmy ?? iso;
  if (mdy) ymd = [Number(mdy[3]), monthIndex(mdy[1]!), Number(mdy[2])];
  else if (dmy) ymd = [Number(dmy[3]), monthIndex(dmy[2]!), Number(dmy[1])];
  else if (iso) ymd = [Number(iso[1]), Number(iso[2]) - 1, Number(iso[3])];
  if (found) rest = rest.replace(found[0], ' ');
  const time = TIME.exec(rest);
  if (time) rest = rest.replace(time[0], ' ');
  if (!ymd && !time) return undefined;

  // What is left, once weekdays and separators are gone, must be nothing or an outlet.
  rest = rest
    .replace(WEEKDAY_RE, ' ')
    .replace(/(?:^|\s)(?:at|on|by|-|–|—|\||•|·)(?=\s|$)/gi, ' ')
    .replace(/[,|•·]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (rest && !OUTLET.test(rest)) return undefined;

  const stamp: Stamp = {};
  if (rest) stamp.source = rest;
  if (ymd && /^(?:Published|Posted|First published)$/i.test(lead[1]!)) {
    const [y, m, d] = ymd;
    if (m < 0 || d < 1 || d > new Date(Date.UTC(y, m + 1, 0)).getUTCDate()) return stamp;
    let hours = 0;
    let minutes = 0;
    let offset = 0;
    if (time) {
      const meridiem = time[3]?.toLowerCase();
      hours = meridiem ? (Number(time[1]) % 12) + (meridiem === 'p' ? 12 : 0) : Number(time[1]);
      minutes = Number(time[2]);
      const zone = time[4]?.toUpperCase();
      if (zone && zone in FIXED) offset = FIXED[zone]!;
      else if (zone && zone in US) offset = US[zone]! + (usDaylight(y, m, d) ? 1 : 0);
    }
    if (hours < 24 && minutes < 60) {
      stamp.publishedAt = new Date(Date.UTC(y, m, d, hours - offset, minutes));
    }
  }
  return stamp;
}

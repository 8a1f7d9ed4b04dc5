import { parseStrictDate } from '../../dates.js';

const MONTHS = 'jan feb mar apr may jun jul aug sep oct nov dec'.split(' ');

// `Saturday, December 27, 2014, 12:06 PM`, `27 December 2014 12:06`, `Dec. 27, 2014`.
const MONTH_DAY =
  /^(?:[a-z]+,? )?([a-z]{3})[a-z]*\.? (\d{1,2}),? (\d{4})(?:,? (?:at )?(\d{1,2}):(\d{2})(?: ?([ap])\.?m\.?)?)?/i;
const DAY_MONTH =
  /^(?:[a-z]+,? )?(\d{1,2})\.? ([a-z]{3})[a-z]*\.? (\d{4})(?:,? (?:at )?(\d{1,2}):(\d{2})(?: ?([ap])\.?m\.?)?)?/i;
const SLASHED = /^(\d{4})[/.-](\d{1,2})[/.-](\d{1,2})\.?(?:[ T]+(\d{1,2}):(\d{2}))?/;
// `2018年6月18日 10:01`, `2019년 8월 20일`.
const CJK = /^(\d{4}) ?[年년] ?(\d{1,2}) ?[月월] ?(\d{1,2}) ?[日일](?:\D{0,8}?(\d{1,2}):(\d{2}))?/;

/**
 * A date as pages write them in metadata: ISO 8601 first (with or without a zone; without one it
 * is read as UTC), then the common English and numeric forms. Undefined for anything else, and
 * for a date outside 1990 to a day from now, which is a page's mistake rather than its date.
 */
export function parsePageDate(input: string, now = new Date()): Date | undefined {
  const s = input.trim().replace(/\s+/g, ' ');
  const d =
    parseStrictDate(s) ?? parseStrictDate(s.replace(/ ([+-]\d{2}:?\d{2})$/, '$1')) ?? loose(s);
  if (!d) return undefined;
  const t = d.getTime();
  return t >= Date.UTC(1990, 0, 1) && t <= now.getTime() + 86_400_000 ? d : undefined;
}

function loose(s: string): Date | undefined {
  let m = MONTH_DAY.exec(s);
  if (m) return build(m[3]!, MONTHS.indexOf(m[1]!.toLowerCase()) + 1, m[2]!, m[4], m[5], m[6]);
  m = DAY_MONTH.exec(s);
  if (m) return build(m[3]!, MONTHS.indexOf(m[2]!.toLowerCase()) + 1, m[1]!, m[4], m[5], m[6]);
  m = SLASHED.exec(s) ?? CJK.exec(s);
  if (m) return build(m[1]!, Number(m[2]), m[3]!, m[4], m[5]);
  return undefined;
}

function build(
  y: string,
  month: number,
  d: string,
  h?: string,
  mi?: string,
  ampm?: string,
): Date | undefined {
  let hour = Number(h ?? 0);
  if (ampm) hour = (hour % 12) + (ampm.toLowerCase() === 'p' ? 12 : 0);
  const iso = `${y}-${String(month).padStart(2, '0')}-${d.padStart(2, '0')}T${String(hour).padStart(2, '0')}:${mi ?? '00'}:00Z`;
  return month >= 1 ? parseStrictDate(iso) : undefined;
}

/** The day an address names in its path, `/2013/11/27/`, as midnight UTC. */
export function dateInUrl(url: string | undefined): Date | undefined {
  const m = url && /\/((?:19|20)\d{2})[/-](\d{2})[/-](\d{2})(?:\/|$|[^\d])/.exec(url);
  return m ? parseStrictDate(`${m[1]}-${m[2]}-${m[3]}`) : undefined;
}

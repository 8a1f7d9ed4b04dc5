import { matchCredits } from './credits.js';

/**
 * The contributor tagline that closes wire copy:
 *   `CNN's Michael Martinez, Yousuf Basil and Archith Seshadri contributed to this report.`
 *   `Jomana Karadsheh in Istanbul contributed reporting.`
 *   `CNN's Ana Prieto reported from Santiago.` (only above one of the others)
 *   `Associated Press writer Jane Okoro in Lagos contributed to this report.`
 *   `The Associated Press contributed to this report.` (the agency itself is the contributor)
 *   agency credit lines, `(Reporting by A; Writing by B; Editing by C)` (credits.ts)
 * A paragraph that only mentions "CNN's X" does not end this way and stays a paragraph.
 */
const CONTRIBUTED =
  /^(.+?) (?:also )?contributed (?:to (?:this|the) (?:report|story|article)|(?:additional )?reporting|this report)(?: from [^.]+)?\.?$/iu;

// `X reported from Y.` is a credit only when it names the outlet's own people (`CNN's X`) and
// stands right above a `contributed` tagline: `The agency reported from Kyiv.` is news, and so
// may be a last paragraph saying `CNN's Anderson Cooper reported from Baghdad.`
const REPORTED_FROM = /^((?:[\p{Lu}][\p{L}&.]*)['’]s .+?) (?:reported|wrote) from [^.]+\.?$/u;

// `CNN's A`, and `ABC News' A` (a name ending in s takes the apostrophe alone).
const POSSESSIVE = /^(?:[\p{Lu}][\p{L}&.]*(?: [\p{Lu}][\p{L}&.]*){0,2})(?:['’]s|(?<=s)['’]) /u;
// `Associated Press writers A and B`, `Reuters correspondent A`: the outlet and the role go.
const STAFF =
  /^(?:The )?\p{Lu}[\p{L}&.]*(?: \p{Lu}[\p{L}&.]*){0,2}(?:['’]s)? (?:staff |senior |chief )?(?:writers?|reporters?|correspondents?|photographers?|videojournalists?|producers?) (?=\p{Lu})/u;
// Lower-case words inside a name: `Ana de Armas`, `Ludwig van Dijk`, `Omar al-Masri`.
const PARTICLE =
  /^(?:de|del|della|der|den|di|da|das|dos|du|la|le|van|von|ter|bin|ibn|al-\p{L}+|el-\p{L}+)$/u;
const WHERE = / (?:in|from) [\p{Lu}][\p{L}.'’-]*(?:,? [\p{Lu}][\p{L}.'’-]*)*$/u;

/** Names in a tagline; `credits` also accepts `CNN's X reported from Y.` */
export function matchTagline(paragraph: string, credits = false): string[] | undefined {
  const agency = matchCredits(paragraph);
  if (agency) return agency;
  if (paragraph.length > 300 || !/contributed|reported from|wrote from/i.test(paragraph)) {
    return undefined;
  }
  const m = CONTRIBUTED.exec(paragraph) ?? (credits ? REPORTED_FROM.exec(paragraph) : null);
  if (!m) return undefined;
  const names = m[1]!
    .replace(STAFF, '')
    .split(/,? and |, | & /)
    .map((part) => part.replace(POSSESSIVE, '').replace(WHERE, '').trim())
    // `CNN's A, in Istanbul, and B`: the place stands as a part of its own.
    .filter((part) => part && !/^(?:in|from) \p{Lu}/u.test(part));
  // Names are a few capitalised words; anything longer is a sentence that happens to match.
  const plausible = names.every((n) => {
    const words = n.split(' ');
    return (
      words.length <= 5 && words.every((w, k) => /^\p{Lu}/u.test(w) || (k > 0 && PARTICLE.test(w)))
    );
  });
  return names.length > 0 && plausible ? names : undefined;
}

/**
 * The contributor tagline that closes wire copy:
 *   `CNN's Michael Martinez, Yousuf Basil and Archith Seshadri contributed to this report.`
 *   `Jomana Karadsheh in Istanbul contributed reporting.`
 * A paragraph that only mentions "CNN's X" does not end this way and stays a paragraph.
 */
const TAGLINE =
  /^(.+?) (?:also )?contributed (?:to (?:this|the) (?:report|story|article)|(?:additional )?reporting|this report)(?: from [^.]+)?\.?$/iu;

const POSSESSIVE = /^(?:[\p{Lu}][\p{L}&.]*(?: [\p{Lu}][\p{L}&.]*){0,2})['’]s /u;

export function matchTagline(paragraph: string): string[] | undefined {
  const m = TAGLINE.exec(paragraph);
  if (!m) return undefined;
  const names = m[1]!
    .split(/, and |, | and | & /)
    .map((part) =>
      part
        .replace(POSSESSIVE, '')
        .replace(/ (?:in|from) [\p{Lu}][\p{L}.'’-]*(?:,? [\p{Lu}][\p{L}.'’-]*)*$/u, '')
        .trim(),
    )
    .filter(Boolean);
  // Names are a few capitalised words; anything longer is a sentence that happens to match.
  const plausible = names.every((n) => n.split(' ').length <= 5 && /^[\p{Lu}]/u.test(n));
  return names.length > 0 && plausible ? names : undefined;
}

/**
 * Lines a scraper picks up above the story: the byline (`By Petra Novak and Ian Moss, CNN`) and
 * the time stamp (`Updated 1:23 PM ET, Sun March 22, 2026`). Neither is story text.
 */
const BYLINE = /^By (.{3,150}?)(?:,? (?:CNN|for CNN)(?: [\p{Lu}][\p{L}]+)?)?$/u;
// A time (`1:23 PM`) or a year, and no full stop: `Updated figures show …` is a sentence.
const STAMP =
  /^(?:Updated|Published|Posted|Last updated):? (?=.*(?:\d{1,2}:\d{2}|\b\d{4}\b)).{4,100}(?<!\.)$/i;
const NAME =
  /^\p{Lu}[\p{L}.'’-]*(?: (?:\p{Lu}[\p{L}.'’-]*|de|van|von|da|del|bin|al-\p{L}+)){0,4}$/u;

/** The names a byline gives, or undefined if the line is not a byline. */
export function matchByline(line: string): string[] | undefined {
  if (!line.startsWith('By ')) return undefined;
  const m = BYLINE.exec(line);
  if (!m) return undefined;
  const names = m[1]!.split(/,? and |, | & /).map((n) => n.trim());
  return names.length > 0 && names.every((n) => NAME.test(n)) ? names : undefined;
}

export function isTimeStamp(line: string): boolean {
  return line.length <= 110 && STAMP.test(line);
}

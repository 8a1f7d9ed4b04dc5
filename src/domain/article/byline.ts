/**
 * The byline a scraper picks up above the story (`By Petra Novak and Ian Moss, CNN`); it is not
 * story text. (Time stamps above the story are stamp.ts's.)
 */
const BYLINE = /^By (.{3,150}?)(?:,? (?:CNN|for CNN)(?: [\p{Lu}][\p{L}]+)?)?$/u;
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

/**
 * Agency credit lines that close a story, each role with its people:
 *   `(Reporting by A in JAKARTA and B in SYDNEY; Writing by C; Editing by D)`
 *   `(Additional reporting by A, B and C in PARIS, D in LONDON; Editing by E)`
 *   `Reporting by A; Editing by B and C`
 * Reporters, writers and compilers are contributors; editors (and graphics, photo) are not.
 */
const ROLE =
  /^(additional reporting|further reporting|reporting|writing|compiled|compiling|editing|graphics|photos?|video|research|production|translation|translated) by (.+)$/i;
const CONTRIBUTES = /reporting|writing|compil/i;
const OPENS =
  /^\(?(?:additional |further )?(?:reporting|writing|compil|editing|graphics|photo|video|research|production|translat)\p{L}* by /iu;

// `in JAKARTA`, `in Kuala Lumpur`, `in New York and Washington`: the place a reporter filed from.
// A second place joins with `and` only in capitals (`in NEW YORK and WASHINGTON`): `in PARIS and
// Mark Hosenball` goes on with a name.
const IN_PLACE =
  / in \p{Lu}[\p{L}.'’-]*(?: (?:\p{Lu}[\p{L}.'’-]*|de|of|la))*(?: and \p{Lu}{2,}[\p{Lu}.'’-]*(?: \p{Lu}{2,}[\p{Lu}.'’-]*)*(?=$|[,;]))?/gu;
const NAME =
  /^\p{Lu}[\p{L}.'’-]*(?: (?:\p{Lu}[\p{L}.'’-]*|de|del|da|van|von|der|bin|al-\p{L}+|el-\p{L}+)){0,4}$/u;

/** The contributors a credit line names (maybe none), or undefined if it is not one. */
export function matchCredits(paragraph: string): string[] | undefined {
  // Cheap first: a credit line opens with its first role.
  if (paragraph.length > 1500 || !OPENS.test(paragraph)) return undefined;
  const inner = /^\((.*)\)\.?$/s.exec(paragraph)?.[1] ?? paragraph.replace(/\.$/, '');
  // Roles part at semicolons, and sometimes at a comma before the next role.
  const parts = inner
    .split(/; ?|, (?=(?:additional |further )?(?:reporting|writing|editing|compiled) by )/i)
    .map((p) => p.trim())
    .filter(Boolean);
  const names: string[] = [];
  for (const part of parts) {
    const m = ROLE.exec(part);
    if (!m) return undefined;
    const people = m[2]!
      .replace(IN_PLACE, '')
      .split(/,? and |, | & /)
      .map((n) => n.trim())
      .filter(Boolean);
    if (people.length === 0 || !people.every((n) => NAME.test(n))) return undefined;
    if (CONTRIBUTES.test(m[1]!)) names.push(...people);
  }
  return [...new Set(names)];
}

/**
 * Agencies set the place of a dateline in capitals (`LOS ANGELES (Reuters) -`); the Article keeps
 * it in normal case (`Los Angeles`), the way the rest of the text writes it.
 */

// Small words inside a place name stay lower case: `Rio de Janeiro`, `Port of Spain`,
// `Stratford-upon-Avon`, and the `and` of a dateline naming two places.
const PARTICLES = new Set(
  'of de del della der di da do dos das du la le upon on and y en sur am im'.split(' '),
);

/** One all-capitals word in normal case; `first` says whether a particle may stay lower. */
function word(w: string, first: boolean): string {
  // `D.C.`, `U.S.`: initials keep their capitals.
  if (/^(?:\p{Lu}\.)+$/u.test(w)) return w;
  return w
    .split(/(?<=[-'’])/u)
    .map((part, k) => {
      const lower = part.toLowerCase();
      if ((!first || k > 0) && PARTICLES.has(lower.replace(/[-'’]$/u, ''))) return lower;
      // `O'HARE` → `O'Hare`, `MCALLEN` → `Mcallen` (no guessing at Mc/Mac).
      return lower.charAt(0).toUpperCase() + lower.slice(1);
    })
    .join('');
}

/** `WASHINGTON` → `Washington`; `NEW YORK/LONDON` → `New York/London`; `ROME, Italy` kept mixed. */
export function normalCasePlace(place: string): string {
  return place
    .split('/')
    .map((one) =>
      one
        .split(', ')
        .map((part, p) =>
          part
            .split(' ')
            .map((w, k) => {
              // Only words set in capitals change; a short code after a comma (`DC`, `UK`) stays.
              if (!/\p{Lu}{2}/u.test(w) || /\p{Ll}/u.test(w)) return w;
              if (p > 0 && /^\p{Lu}{2,3}$/u.test(w)) return w;
              return word(w, k === 0);
            })
            .join(' '),
        )
        .join(', '),
    )
    .join('/');
}

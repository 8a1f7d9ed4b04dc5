/**
 * Scrapers that flatten a page's markup run separate elements together on one line:
 *   `JUST WATCHED Storm hits coast Replay More Videos ... MUST WATCH Storm hits coast 01:55`
 *   `Story highlights Rescuers pulled 14 people from the river`
 * Split back into the lines they were, the usual rules (player-debris.ts, highlights) apply.
 */

const PLAYER = /\b(?:JUST WATCHED|MUST WATCH)\b/;
const MARKERS =
  /\s*\b(JUST WATCHED|MUST WATCH|Replay|More Videos(?: ?(?:\.\.\.|…))?|Video Ad Feedback|Now Playing)(?=\s|$)\s*/;
// The running time that closes the clip's second title; story text may follow it on the line.
const TIME_THEN_TEXT = /^(.*?\(?\b(?:\d{1,2}:)?\d{1,2}:\d{2}\)?) +(\S.*)$/u;
const HIGHLIGHTS_FUSED = /^(Story highlights):? +(?=["“‘'\p{Lu}\p{N}])(.+)$/iu;

export function splitFused(line: string): string[] {
  const h = HIGHLIGHTS_FUSED.exec(line);
  if (h) return [h[1]!, h[2]!];
  if (!PLAYER.test(line) || /^(?:JUST WATCHED|MUST WATCH)$/.test(line)) return [line];
  // split() with a captured group keeps the markers between the pieces.
  const pieces = line
    .split(new RegExp(MARKERS.source, 'g'))
    .map((p) => p.trim())
    .filter(Boolean);
  const out: string[] = [];
  pieces.forEach((piece, k) => {
    const afterMustWatch = pieces[k - 1] === 'MUST WATCH';
    const t = afterMustWatch ? TIME_THEN_TEXT.exec(piece) : null;
    if (t) out.push(t[1]!, t[2]!);
    else out.push(piece);
  });
  return out;
}

/**
 * Token F1 between a body we extracted and a reference text: the harmonic mean of precision (how
 * much of ours is in the reference) and recall (how much of the reference we kept), over bags of
 * word tokens. Words come from ICU's word segmenter, so Japanese or Korean text without spaces
 * counts by its words rather than as one token per sentence; case and punctuation do not count.
 */
const segmenter = new Intl.Segmenter('und', { granularity: 'word' });

function tokens(text: string): string[] {
  const out: string[] = [];
  for (const s of segmenter.segment(text.normalize('NFKC').toLowerCase())) {
    if (s.isWordLike) out.push(s.segment);
  }
  return out;
}

export interface F1 {
  f1: number;
  precision: number;
  recall: number;
  /** Tokens only ours has, and only the reference has, most frequent first (for messages). */
  extra: string[];
  missing: string[];
}

export function tokenF1(ours: string, reference: string): F1 {
  const a = count(tokens(ours));
  const b = count(tokens(reference));
  let common = 0;
  for (const [t, n] of a) common += Math.min(n, b.get(t) ?? 0);
  const total = (m: Map<string, number>) => [...m.values()].reduce((s, n) => s + n, 0);
  const precision = total(a) ? common / total(a) : 0;
  const recall = total(b) ? common / total(b) : 0;
  const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
  return { f1, precision, recall, extra: diff(a, b), missing: diff(b, a) };
}

function count(list: string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const t of list) m.set(t, (m.get(t) ?? 0) + 1);
  return m;
}

function diff(a: Map<string, number>, b: Map<string, number>): string[] {
  return [...a]
    .map(([t, n]) => [t, n - (b.get(t) ?? 0)] as const)
    .filter(([, n]) => n > 0)
    .sort((x, y) => y[1] - x[1])
    .map(([t, n]) => (n > 1 ? `${t}×${n}` : t));
}

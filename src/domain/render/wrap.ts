export interface WrapOptions {
  width?: number;
  /** Prefix of the first line (a bullet, a number). */
  first?: string;
  /** Prefix of the following lines, usually spaces as wide as `first`. */
  rest?: string;
}

/**
 * Greedy word wrap for the text part. A word longer than a line (a URL) gets a line of its own
 * rather than being cut, so it stays clickable.
 */
export function wrap(text: string, opts: WrapOptions = {}): string {
  const { width = 72, first = '', rest = '' } = opts;
  const lines: string[] = [];
  let line = first;
  let empty = true;
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const prefix = lines.length === 0 ? first : rest;
    if (!empty && [...line].length + 1 + [...word].length > width) {
      lines.push(line);
      line = rest + word;
      continue;
    }
    line = empty ? prefix + word : `${line} ${word}`;
    empty = false;
  }
  lines.push(line);
  return lines.join('\n');
}

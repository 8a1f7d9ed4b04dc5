import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** One abuse property or direct case that passed, and how many inputs it was tried on. */
export interface AbuseRow {
  case: string;
  runs: number;
}

export const ABUSE_LINES = resolve('out/faults-abuse.jsonl');

/** Called after an assertion passed: a failed property never reaches the table. */
export function recordAbuse(name: string, runs: number): void {
  mkdirSync(dirname(ABUSE_LINES), { recursive: true });
  appendFileSync(ABUSE_LINES, `${JSON.stringify({ case: name, runs } satisfies AbuseRow)}\n`);
}

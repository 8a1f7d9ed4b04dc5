import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** One fault's figures, as the README's reliability table shows them. */
export interface FaultRow {
  fault: string;
  /** How many times the fault was made to happen (kills, restarts, refused replies…). */
  tried: number;
  recipients: number;
  /** Recipients neither delivered nor honestly recorded (a record that is wrong or stuck). */
  lost: number;
  /** Extra copies at the SMTP server, counted by Message-ID. */
  doubled: number;
  uncertain: number;
}

export const SUMMARY_LINES = resolve('out/faults-summary.jsonl');
export const SUMMARY_JSON = resolve('out/faults-summary.json');

/** Appends one row; the global teardown prints the table from these lines. */
export function recordFault(row: FaultRow): void {
  mkdirSync(dirname(SUMMARY_LINES), { recursive: true });
  appendFileSync(SUMMARY_LINES, `${JSON.stringify(row)}\n`);
}

/** One fault's row from what its audit found. */
export function recordAudit(
  fault: string,
  tried: number,
  recipients: number,
  audit: Pick<FaultRow, 'lost' | 'doubled' | 'uncertain'>,
): void {
  recordFault({
    fault,
    tried,
    recipients,
    lost: audit.lost,
    doubled: audit.doubled,
    uncertain: audit.uncertain,
  });
}

export function formatTable(rows: readonly FaultRow[]): string {
  const head = ['fault', 'tried', 'recipients', 'lost', 'doubled', 'uncertain'];
  const body = rows.map((r) => [
    r.fault,
    String(r.tried),
    String(r.recipients),
    String(r.lost),
    String(r.doubled),
    String(r.uncertain),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  const rule = `| ${widths.map((w, i) => (i === 0 ? '-'.repeat(w) : `${'-'.repeat(w - 1)}:`)).join(' | ')} |`;
  return [line(head), rule, ...body.map(line)].join('\n');
}

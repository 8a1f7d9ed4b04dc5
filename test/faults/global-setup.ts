import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { formatTable, SUMMARY_JSON, SUMMARY_LINES, type FaultRow } from './support/summary.js';

/** Starts each run with an empty summary; prints the table once every file has run. */
export function setup(): () => void {
  rmSync(SUMMARY_LINES, { force: true });
  const started = Date.now();
  return () => {
    if (!existsSync(SUMMARY_LINES)) return;
    const rows = readFileSync(SUMMARY_LINES, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as FaultRow);
    const seconds = Math.round((Date.now() - started) / 1000);
    writeFileSync(SUMMARY_JSON, `${JSON.stringify({ seconds, rows }, null, 2)}\n`);
    process.stdout.write(`\nFault suite summary (${seconds} s):\n\n${formatTable(rows)}\n\n`);
  };
}

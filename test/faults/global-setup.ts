import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { ABUSE_LINES, type AbuseRow } from './support/abuse.js';
import { formatTable, SUMMARY_JSON, SUMMARY_LINES, type FaultRow } from './support/summary.js';

const readLines = <T>(file: string): T[] =>
  existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as T)
    : [];

/** Starts each run with an empty summary; prints the tables once every file has run. */
export function setup(): () => void {
  rmSync(SUMMARY_LINES, { force: true });
  rmSync(ABUSE_LINES, { force: true });
  const started = Date.now();
  return () => {
    const rows = readLines<FaultRow>(SUMMARY_LINES);
    const abuse = readLines<AbuseRow>(ABUSE_LINES);
    const seconds = Math.round((Date.now() - started) / 1000);
    writeFileSync(SUMMARY_JSON, `${JSON.stringify({ seconds, rows, abuse }, null, 2)}\n`);
    const abuseTable = [
      '| abuse case | inputs |',
      '| --- | ---: |',
      ...abuse.map((a) => `| ${a.case} | ${a.runs} |`),
    ].join('\n');
    process.stdout.write(
      `\nFault suite summary (${seconds} s):\n\n${formatTable(rows)}\n\n${abuseTable}\n\n`,
    );
  };
}

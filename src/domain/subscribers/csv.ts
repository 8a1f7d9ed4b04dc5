import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream';
import { parse, type CsvError } from 'csv-parse';
import { InvalidCsvError } from '../../runtime/errors.js';
import { createLineTracker } from './lines.js';

export interface CsvRow {
  line: number;
  email: string;
  name: string;
  tz: string;
}
/** A row that could not be read; `fatal` ends the file (nothing after it can be trusted). */
export interface CsvRowError {
  line: number;
  reason: string;
  fatal?: true;
}

const KNOWN = new Set(['email', 'name', 'tz']);
// A row holds an address, a name and a zone: anything longer is an unclosed quote eating lines.
const MAX_RECORD_CHARS = 64 * 1024;

/**
 * The rows of a subscriber CSV, in file order, with the file line each starts on. Bad rows come
 * as errors among the good ones; the whole file is never held in memory.
 */
export async function* readSubscriberCsv(
  file: string,
  opts: { onBytes?: (bytes: number) => void } = {},
): AsyncGenerator<CsvRow | CsvRowError> {
  const lines = createLineTracker(opts.onBytes);
  const skipped: CsvRowError[] = [];
  let header: string[] | undefined;
  let end = 0; // byte offset where the last record seen by the parser ended

  const parser = parse({
    bom: true,
    skip_empty_lines: true,
    relax_quotes: true,
    relax_column_count_less: true,
    skip_records_with_error: true,
    max_record_size: MAX_RECORD_CHARS,
    columns: (names: string[]) => {
      const normalised = names.map((n) => n.trim().toLowerCase());
      checkHeader(file, normalised, lines.lineAfter(0));
      header = normalised;
      end = parser.info.bytes;
      return normalised.map((n) => (KNOWN.has(n) ? n : false));
    },
    on_record: (record: Record<string, string | undefined>, info) => {
      const line = lines.lineAfter(end);
      end = info.bytes;
      const row = { line, email: record.email ?? '', name: record.name ?? '', tz: record.tz ?? '' };
      // Bytes that are not UTF-8 arrive as U+FFFD: say so rather than store a mangled name.
      if (`${row.email}${row.name}${row.tz}`.includes('\uFFFD'))
        return {
          line,
          reason: 'this row is not valid UTF-8: save the file as UTF-8 and import it again',
        };
      return row;
    },
    on_skip: (err: CsvError | undefined) => {
      const line = lines.lineAfter(end);
      if (err?.code === 'CSV_RECORD_INCONSISTENT_COLUMNS') {
        end = Number(err.bytes);
        const n = Array.isArray(err.record) ? err.record.length : '?';
        skipped.push({ line, reason: `${n} fields, but the header has ${header?.length}` });
        return;
      }
      // Quote and size errors leave csv-parse unable to find where the next row starts.
      const reason =
        err?.code === 'CSV_QUOTE_NOT_CLOSED'
          ? 'this row opens a quoted field that is never closed'
          : err?.code === 'CSV_MAX_RECORD_SIZE'
            ? `this row is longer than ${MAX_RECORD_CHARS / 1024} KB: a quoted field never closed, or not a subscriber list`
            : (err?.message ?? 'unreadable row');
      throw new InvalidCsvError(file, `${reason}; import stopped here`, line);
    },
  });

  const source = createReadStream(file);
  const rows = pipeline(source, lines.tap, parser, () => {});
  const before = (line: number) => {
    const out: CsvRowError[] = [];
    while (skipped.length && skipped[0]!.line < line) out.push(skipped.shift()!);
    return out;
  };
  try {
    for await (const row of rows as AsyncIterable<CsvRow | CsvRowError>) {
      if (skipped.length > 0) yield* before(row.line);
      yield row;
    }
  } catch (err) {
    if (!(err instanceof InvalidCsvError) || header === undefined) throw err;
    yield* before(Infinity);
    yield { line: err.line ?? 0, reason: err.reason, fatal: true };
    return;
  } finally {
    source.destroy();
  }
  yield* before(Infinity);
  if (header === undefined) {
    throw new InvalidCsvError(
      file,
      'the file is empty: expected a header row with an email column',
    );
  }
}

function checkHeader(file: string, names: string[], line: number): void {
  const found = names.map((n) => JSON.stringify(n)).join(', ');
  if (!names.includes('email')) {
    throw new InvalidCsvError(file, `the header has no email column (found ${found})`, line);
  }
  for (const known of KNOWN) {
    if (names.indexOf(known) !== names.lastIndexOf(known)) {
      throw new InvalidCsvError(file, `the header has the column ${known} twice`, line);
    }
  }
}

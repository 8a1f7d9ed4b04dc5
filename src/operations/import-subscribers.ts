import { stat } from 'node:fs/promises';
import { InvalidCsvError, InvalidSubscriberError } from '../runtime/errors.js';
import type { SubscriberStore } from '../stores/subscribers/index.js';
import { readSubscriberCsv } from '../domain/subscribers/csv.js';
import { prepareSubscriber, type PreparedSubscriber } from '../domain/subscribers/model.js';

export interface ImportProgress {
  /** Data rows read so far, good and bad. */
  rows: number;
  bytes: number;
  totalBytes: number;
}

export interface ImportResult {
  created: number;
  updated: number;
  unchanged: number;
  /** Unsubscribed or bounced addresses, left exactly as they were. */
  skipped: number;
  invalid: number;
  /** Sorted by line; a fatal one (an unclosed quote) is last and ended the import. */
  errors: { line: number; reason: string }[];
  /** False when a fatal error stopped the import before the end of the file. */
  complete: boolean;
}

export interface ImportDeps {
  store: Pick<SubscriberStore, 'addMany'>;
  onProgress?: (p: ImportProgress) => void;
  /** Rows per pipeline: 500 keeps each Redis round trip a few milliseconds. */
  batchSize?: number;
  now?: () => Date;
}

/**
 * Streams a CSV of subscribers (header: `email`, optional `name`, `tz`; other columns ignored)
 * into the store. New addresses become `active` (the operator vouches for them); existing ones
 * keep their status, and unsubscribed, bounced or complained ones are not touched at all. A bad row is
 * reported by its file line and the good rows are kept. Memory: the addresses seen so far are
 * remembered to report duplicates within the file (about 100 bytes each), nothing else grows.
 */
export async function importSubscribersCsv(file: string, deps: ImportDeps): Promise<ImportResult> {
  const info = await stat(file).catch((err: NodeJS.ErrnoException) => {
    throw new InvalidCsvError(file, `cannot read: ${err.code ?? err.message}`);
  });
  if (!info.isFile()) throw new InvalidCsvError(file, 'not a regular file');

  const batchSize = deps.batchSize ?? 500;
  const now = deps.now ?? (() => new Date());
  const result: ImportResult = {
    created: 0,
    updated: 0,
    unchanged: 0,
    skipped: 0,
    invalid: 0,
    errors: [],
    complete: true,
  };
  const progress = { rows: 0, bytes: 0, totalBytes: info.size };
  const seen = new Map<string, number>();
  let batch: PreparedSubscriber[] = [];

  // One batch is written while the next is parsed: Redis and this process use a core each.
  let writing: Promise<void> = Promise.resolve();
  const flush = async () => {
    await writing;
    if (batch.length === 0) return;
    const rowsNow = { ...progress };
    const pending = deps.store.addMany(batch, now()).then((outcomes) => {
      for (const outcome of outcomes) result[outcome]++;
      deps.onProgress?.(rowsNow);
    });
    batch = [];
    writing = pending;
    // A failed write must not go unobserved while the next batch is parsed.
    pending.catch(() => {});
  };
  const reject = (line: number, reason: string) => {
    result.invalid++;
    result.errors.push({ line, reason });
  };

  const rows = readSubscriberCsv(file, { onBytes: (b) => (progress.bytes = b) });
  try {
    for await (const row of rows) {
      if ('reason' in row) {
        if (row.fatal) {
          result.complete = false;
          result.errors.push({ line: row.line, reason: row.reason });
          break;
        }
        progress.rows++;
        reject(row.line, row.reason);
        continue;
      }
      progress.rows++;
      let prepared: PreparedSubscriber;
      try {
        prepared = prepareSubscriber(row, 'active');
      } catch (err) {
        if (!(err instanceof InvalidSubscriberError)) throw err;
        reject(row.line, err.message);
        continue;
      }
      const first = seen.get(prepared.email);
      if (first !== undefined) {
        reject(row.line, `duplicate of line ${first} (${prepared.email})`);
        continue;
      }
      seen.set(prepared.email, row.line);
      batch.push(prepared);
      if (batch.length >= batchSize) await flush();
    }
  } finally {
    // Never leave a write running behind a thrown error (the caller may close Redis next).
    await writing.catch(() => {});
  }
  await flush();
  await writing;
  deps.onProgress?.({ ...progress, bytes: progress.totalBytes });
  result.errors.sort((a, b) => a.line - b.line);
  return result;
}

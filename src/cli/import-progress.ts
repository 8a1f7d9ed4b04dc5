import { Presets, SingleBar } from 'cli-progress';
import type { ImportProgress } from '../operations/import-subscribers.js';

export interface ProgressReporter {
  update(p: ImportProgress): void;
  stop(): void;
}

/**
 * A bar on a terminal (bytes read against the file size: counting rows first would mean reading
 * the file twice); on a pipe or in a log, one plain line per tenth of the file.
 */
export function createImportProgress(
  label: string,
  stream: NodeJS.WriteStream = process.stderr,
): ProgressReporter {
  if (stream.isTTY) {
    const bar = new SingleBar(
      {
        stream,
        format: `${label} [{bar}] {percentage}% | {rows} rows | {eta_formatted} left`,
        hideCursor: true,
        clearOnComplete: false,
        etaBuffer: 50,
      },
      Presets.shades_classic,
    );
    let started = false;
    return {
      update(p) {
        if (!started) {
          bar.start(Math.max(1, p.totalBytes), 0, { rows: 0 });
          started = true;
        }
        bar.update(Math.min(p.bytes, p.totalBytes), { rows: p.rows });
      },
      stop() {
        if (started) bar.stop();
      },
    };
  }
  let lastTenth = -1;
  let last: ImportProgress | undefined;
  let written: ImportProgress | undefined;
  const write = (p: ImportProgress, tenth: number) => {
    stream.write(`${label}: ${tenth * 10}% of the file, ${p.rows} rows\n`);
    written = p;
  };
  return {
    update(p) {
      last = p;
      const tenth = p.totalBytes ? Math.floor((10 * p.bytes) / p.totalBytes) : 10;
      if (tenth === lastTenth) return;
      lastTenth = tenth;
      write(p, tenth);
    },
    stop() {
      // The file is read ahead of the rows written: say where the rows ended.
      if (last && last !== written) write(last, 10);
    },
  };
}

import { Transform, type TransformCallback } from 'node:stream';

const LF = 0x0a;
const CR = 0x0d;

/**
 * Real file line numbers for CSV records. csv-parse's own `info.lines` is where a record ends,
 * and it counts a CRLF inside a quoted field as two lines; an operator wants the line where
 * the bad row starts, as their editor numbers it. The tap sees the bytes before the parser does
 * and queues the byte offset of every non-empty line; a record starts on the first such line at
 * or after the end of the record before it. The queue only holds what the parser has yet to
 * reach (a chunk or two), so memory stays bounded.
 */
export function createLineTracker(onBytes?: (bytes: number) => void) {
  const starts: { offset: number; line: number }[] = [];
  let head = 0;
  let offset = 0;
  let line = 1;
  let atLineStart = true;
  let lastWasCr = false;

  const tap = new Transform({
    transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback) {
      for (let i = 0; i < chunk.length; i++) {
        const byte = chunk[i]!;
        if (byte === LF && lastWasCr) {
          lastWasCr = false; // the second half of CRLF: one line break, already counted
          continue;
        }
        lastWasCr = byte === CR;
        if (byte === LF || byte === CR) {
          line++;
          atLineStart = true;
        } else if (atLineStart) {
          starts.push({ offset: offset + i, line });
          atLineStart = false;
        }
      }
      offset += chunk.length;
      onBytes?.(offset);
      done(null, chunk);
    },
  });

  return {
    tap,
    /** The line of the record that follows byte `after` (the end of the record before it). */
    lineAfter(after: number): number {
      while (head < starts.length && starts[head]!.offset < after) head++;
      if (head > 4096) {
        starts.splice(0, head);
        head = 0;
      }
      return starts[head]?.line ?? line;
    },
  };
}

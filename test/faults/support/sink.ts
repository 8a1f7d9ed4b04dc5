import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { SinkBehaviour, SinkCommand, SinkEvent } from './sink-protocol.js';

const CHILD = fileURLToPath(new URL('./sink-child.ts', import.meta.url));

export interface Sink {
  port: number;
  url: string;
  proc: ChildProcess;
  /** Message-IDs the sink said 250 to, in order (a copy sent twice appears twice). */
  accepted: string[];
  /** Message-IDs whose reply to "." was lost on purpose. */
  dropped: string[];
  stalled: string[];
  refused: { to: string; code: number }[];
  /** When each recipient was refused or accepted (ms since the epoch, as the test saw it). */
  timeline: { at: number; to: string; code: number }[];
  set(behaviour: SinkBehaviour): void;
  release(): void;
  /** Resolves once `accepted` has at least `n` entries. */
  waitForAccepted(n: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** Spawns the sink child and resolves once it listens (on `port`, or a free one). */
export async function startSink(behaviour: SinkBehaviour = {}, port = 0): Promise<Sink> {
  const proc = fork(CHILD, [JSON.stringify(behaviour), String(port)], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const sink: Sink = {
    port: 0,
    url: '',
    proc,
    accepted: [],
    dropped: [],
    stalled: [],
    refused: [],
    timeline: [],
    set: (b) => command({ t: 'set', behaviour: b }),
    release: () => command({ t: 'release' }),
    async waitForAccepted(n, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      while (sink.accepted.length < n) {
        if (Date.now() > deadline)
          throw new Error(`sink: ${sink.accepted.length} of ${n} messages after ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 5));
      }
    },
    async close() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      const exited = new Promise((r) => proc.once('exit', r));
      command({ t: 'close' });
      const timer = setTimeout(() => proc.kill('SIGKILL'), 2000);
      await exited;
      clearTimeout(timer);
    },
  };
  function command(c: SinkCommand) {
    if (proc.connected) proc.send(c);
  }
  const listening = new Promise<number>((resolve, reject) => {
    proc.once('exit', (code) => reject(new Error(`sink exited ${code} before listening`)));
    proc.on('message', (e: SinkEvent) => {
      if (e.t === 'listening') resolve(e.port);
      else if (e.t === 'msg') {
        sink.accepted.push(e.id);
        sink.timeline.push({ at: Date.now(), to: e.to, code: 250 });
      } else if (e.t === 'dropped') sink.dropped.push(e.id);
      else if (e.t === 'stalled') sink.stalled.push(e.id);
      else if (e.t === 'refused') {
        sink.refused.push({ to: e.to, code: e.code });
        sink.timeline.push({ at: Date.now(), to: e.to, code: e.code });
      }
    });
  });
  sink.port = await listening;
  sink.url = `smtp://127.0.0.1:${sink.port}`;
  return sink;
}

/** How many Message-IDs arrived more than once, counting each extra copy. */
export function extraCopies(ids: readonly string[]): number {
  return ids.length - new Set(ids).size;
}

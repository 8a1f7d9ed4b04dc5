/**
 * A local SMTP sink that keeps nothing: Postfix's smtp-sink when it is installed (the reference
 * the issue measures against, written in C), else smtp-server in a child process. And Postfix's
 * smtp-source, which shows what the sink takes when the sender costs next to nothing.
 */
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { resolve } from 'node:path';
import { cpuSeconds, freePort, spawnChild, spawnTs, type Child } from './proc.js';

const SMTP_SINK = '/usr/sbin/smtp-sink';
const SMTP_SOURCE = '/usr/sbin/smtp-source';

export type SinkKind = 'postfix smtp-sink' | 'smtp-server (node child)';

export interface Sink {
  kind: SinkKind;
  port: number;
  url: string;
  /** CPU seconds the sink has used so far. */
  cpu(): number;
  close(): Promise<void>;
}

export const hasPostfix = (): boolean => existsSync(SMTP_SINK) && existsSync(SMTP_SOURCE);

/** `port`: listen there (Postfix's sink only; default a free port). */
export async function startSink(
  prefer: 'auto' | 'postfix' | 'node' = 'auto',
  port0?: number,
): Promise<Sink> {
  const postfix = prefer !== 'node' && hasPostfix();
  if (prefer === 'postfix' && !postfix) throw new Error(`${SMTP_SINK} is not installed`);
  let child: Child;
  let port: number;
  if (postfix) {
    port = port0 ?? (await freePort());
    // -u: smtp-sink refuses to run as root without dropping to a user. The backlog is large so
    // that no connection of a pool waits in the kernel.
    const user = process.getuid?.() === 0 ? ['-u', 'nobody'] : [];
    child = spawnChild(SMTP_SINK, [...user, `127.0.0.1:${port}`, '1000']);
    await waitForPort(port, child);
  } else {
    child = spawnTs(resolve(import.meta.dirname, 'sink-server.ts'), ['0']);
    await child.waitFor('listening ');
    port = Number(/listening (\d+)/.exec(child.stdout())![1]);
  }
  return {
    kind: postfix ? 'postfix smtp-sink' : 'smtp-server (node child)',
    port,
    url: `smtp://127.0.0.1:${port}`,
    cpu: () => cpuSeconds(child.pid) ?? 0,
    close: () => child.stop(3000),
  };
}

async function waitForPort(port: number, child: Child): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const ok = await new Promise<boolean>((res) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        res(true);
      });
      s.once('error', () => res(false));
    });
    if (ok) return;
    if (Date.now() > deadline) {
      await child.stop(1000);
      throw new Error(`smtp-sink did not listen on ${port}: ${child.stderr()}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface SourceResult {
  messages: number;
  sessions: number;
  seconds: number;
  perSecond: number;
}

/**
 * `smtp-source -d -s S -l BYTES -m N`: N messages of BYTES over S connections kept open, as fast
 * as the sink takes them. Its own CPU per message is a few microseconds.
 */
export async function runSmtpSource(
  sink: Sink,
  opts: { messages: number; sessions: number; bytes: number },
): Promise<SourceResult> {
  const start = performance.now();
  const child = spawnChild(SMTP_SOURCE, [
    '-d',
    '-s',
    String(opts.sessions),
    '-l',
    String(opts.bytes),
    '-m',
    String(opts.messages),
    '-f',
    'digest@news.example',
    '-t',
    'reader@example.org',
    `127.0.0.1:${sink.port}`,
  ]);
  const code = await child.exited;
  const seconds = (performance.now() - start) / 1000;
  if (code !== 0) throw new Error(`smtp-source exited ${code}: ${child.stderr()}`);
  return { ...opts, seconds, perSecond: opts.messages / seconds };
}

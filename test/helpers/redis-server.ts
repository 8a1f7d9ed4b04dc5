import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRedis } from '../../src/runtime/redis.js';

/** A free TCP port on the loopback (taken and released at once). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export interface OwnRedis {
  port: number;
  url: string;
  dir: string;
  proc(): ChildProcess;
  /** SIGTERM (Redis fsyncs its AOF and exits) and wait for the exit. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** SIGKILL: no shutdown of its own; what the AOF holds is what the OS had been handed. */
  crash(): Promise<void>;
  /** kill -STOP / kill -CONT: the process stops answering but keeps its sockets. */
  freeze(): void;
  thaw(): void;
  /** One command on a short-lived connection of our own. */
  cli(...args: (string | number)[]): Promise<unknown>;
  cleanup(): Promise<void>;
}

/**
 * A redis-server of the test's own on a free port: the tests that stop, freeze and fill Redis
 * must never touch the shared one on 6379. `extra` are more server arguments.
 */
export async function startOwnRedis(extra: string[] = []): Promise<OwnRedis> {
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'gazette-test-redis-'));
  let proc: ChildProcess;
  let stderr = '';

  const start = async () => {
    proc = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--dir', dir, ...extra],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    proc.stdout!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    proc.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    const deadline = Date.now() + 10_000;
    for (;;) {
      // Ready means loaded: with AOF on, a restarted server answers LOADING until it has replayed.
      const ok = await cli('PING').then(
        (r) => r === 'PONG',
        () => false,
      );
      if (ok) return;
      if (proc.exitCode !== null) throw new Error(`redis-server exited:\n${stderr}`);
      if (Date.now() > deadline) throw new Error(`redis-server did not answer:\n${stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  const cli = async (...args: (string | number)[]) => {
    const r = createRedis(`redis://127.0.0.1:${port}`, {
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      lazyConnect: true,
      enableOfflineQueue: false,
    });
    r.on('error', () => {});
    try {
      await r.connect();
      const [cmd, ...rest] = args;
      return await r.call(String(cmd), ...rest.map(String));
    } finally {
      r.disconnect();
    }
  };

  const stop = async () => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGCONT');
    proc.kill('SIGTERM');
    await exited;
  };

  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    dir,
    proc: () => proc,
    stop,
    start,
    async crash() {
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGKILL');
      await exited;
    },
    freeze: () => proc.kill('SIGSTOP'),
    thaw: () => proc.kill('SIGCONT'),
    cli,
    async cleanup() {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

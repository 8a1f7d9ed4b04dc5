import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
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

/** One command to 127.0.0.1:`port` on a short-lived connection of our own. */
async function cliAt(port: number, ...args: (string | number)[]): Promise<unknown> {
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

  const cli = (...args: (string | number)[]) => cliAt(port, ...args);

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

async function until<T>(
  what: string,
  probe: () => Promise<T | undefined | false>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** `INFO replication` as fields. */
async function replicationInfo(redis: OwnRedis): Promise<Record<string, string>> {
  const text = String(await redis.cli('INFO', 'replication'));
  return Object.fromEntries(
    text
      .split(/\r?\n/)
      .filter((l) => l.includes(':'))
      .map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1)]),
  );
}

/** A replica of `primary`, on a free port of its own, back once it has synced. */
export async function startOwnReplica(primary: OwnRedis): Promise<OwnRedis> {
  const replica = await startOwnRedis(['--replicaof', '127.0.0.1', String(primary.port)]);
  await until('the replica to sync', async () => {
    const info = await replicationInfo(replica);
    return info.master_link_status === 'up';
  });
  return replica;
}

export interface SentinelSet {
  /** The name the sentinels monitor. */
  name: string;
  primary: OwnRedis;
  replica: OwnRedis;
  sentinelPorts: number[];
  /**
   * REDIS_SENTINELS and REDIS_SENTINEL_NAME for this set, and REDIS_URL emptied: a child process
   * inherits the environment, and one that CI exported would be a second, conflicting target.
   */
  env: { REDIS_SENTINELS: string; REDIS_SENTINEL_NAME: string; REDIS_URL: '' };
  /** host:port the sentinels name as the primary now. */
  masterPort(): Promise<number>;
  /** Resolves once the sentinels name another primary than `oldPort`, with its port. */
  waitForFailover(oldPort: number, timeoutMs?: number): Promise<number>;
  cleanup(): Promise<void>;
}

/**
 * One primary, one replica and three sentinels (quorum 2), each a redis-server of ours on free
 * ports, from a config file written to a temp dir (a sentinel rewrites its own). Back once the
 * sentinels know the replica and each other: before that a failover could not happen.
 * `downAfterMs` is how long a primary must be silent to be called down.
 */
export async function startSentinelSet(opts: { downAfterMs?: number } = {}): Promise<SentinelSet> {
  const name = 'gazette-test';
  const primary = await startOwnRedis();
  const replica = await startOwnReplica(primary);
  const dir = await mkdtemp(join(tmpdir(), 'gazette-test-sentinel-'));
  const sentinels: { port: number; proc: ChildProcess }[] = [];
  let log = '';
  for (let i = 0; i < 3; i++) {
    const port = await freePort();
    const conf = join(dir, `sentinel-${port}.conf`);
    await writeFile(
      conf,
      [
        `port ${port}`,
        'bind 127.0.0.1',
        `dir ${dir}`,
        `sentinel monitor ${name} 127.0.0.1 ${primary.port} 2`,
        `sentinel down-after-milliseconds ${name} ${opts.downAfterMs ?? 1000}`,
        `sentinel failover-timeout ${name} 10000`,
        `sentinel parallel-syncs ${name} 1`,
        '',
      ].join('\n'),
    );
    const proc = spawn('redis-server', [conf, '--sentinel'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (d: Buffer) => (log = (log + d.toString()).slice(-8000));
    proc.stdout!.on('data', keep);
    proc.stderr!.on('data', keep);
    sentinels.push({ port, proc });
  }
  const set: SentinelSet = {
    name,
    primary,
    replica,
    sentinelPorts: sentinels.map((s) => s.port),
    env: {
      REDIS_SENTINELS: sentinels.map((s) => `127.0.0.1:${s.port}`).join(','),
      REDIS_SENTINEL_NAME: name,
      REDIS_URL: '',
    },
    async masterPort() {
      const [, port] = (await cliAt(
        sentinels[0]!.port,
        'SENTINEL',
        'get-master-addr-by-name',
        name,
      )) as [string, string];
      return Number(port);
    },
    async waitForFailover(oldPort, timeoutMs = 30_000) {
      // Every sentinel must agree, or a client asking a late one is sent to the dead primary.
      return until(
        'the sentinels to promote the replica',
        async () => {
          const ports = await Promise.all(
            sentinels.map(async (s) => {
              const r = (await cliAt(s.port, 'SENTINEL', 'get-master-addr-by-name', name)) as [
                string,
                string,
              ];
              return Number(r[1]);
            }),
          );
          return ports.every((p) => p === ports[0] && p !== oldPort) ? ports[0] : undefined;
        },
        timeoutMs,
      );
    },
    async cleanup() {
      for (const s of sentinels) {
        const exited = new Promise((r) => s.proc.once('exit', r));
        if (s.proc.exitCode === null && s.proc.signalCode === null) {
          s.proc.kill('SIGKILL');
          await exited;
        }
      }
      await replica.cleanup();
      await primary.cleanup();
      await rm(dir, { recursive: true, force: true });
    },
  };
  try {
    await until(
      'the sentinels to know the replica and each other',
      async () => {
        for (const s of sentinels) {
          if (s.proc.exitCode !== null) throw new Error(`sentinel exited:\n${log}`);
          const replicas = (await cliAt(s.port, 'SENTINEL', 'replicas', name)) as unknown[];
          const peers = (await cliAt(s.port, 'SENTINEL', 'sentinels', name)) as unknown[];
          if (replicas.length < 1 || peers.length < 2) return false;
        }
        return true;
      },
      30_000,
    );
  } catch (err) {
    await set.cleanup();
    throw new Error(`${(err as Error).message}\n${log}`, { cause: err });
  }
  return set;
}

import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
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

/** Commands to 127.0.0.1:`port`, in order, on one short-lived connection of our own; the last reply. */
async function commandsAt(port: number, commands: (string | number)[][]): Promise<unknown> {
  const r = createRedis(`redis://127.0.0.1:${port}`, {
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    lazyConnect: true,
    enableOfflineQueue: false,
  });
  r.on('error', () => {});
  try {
    await r.connect();
    let reply: unknown;
    for (const [cmd, ...rest] of commands) reply = await r.call(String(cmd), ...rest.map(String));
    return reply;
  } finally {
    r.disconnect();
  }
}

/** One command to 127.0.0.1:`port` on a short-lived connection of our own. */
const cliAt = (port: number, ...args: (string | number)[]) => commandsAt(port, [args]);

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
export async function startOwnRedis(extra: string[] = [], atPort?: number): Promise<OwnRedis> {
  const port = atPort ?? (await freePort());
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

/** Whether 127.0.0.1:`port` can be listened on now. */
function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

/**
 * A port for a cluster node: it and its bus port (port + 10000) both free. From
 * GAZETTE_TEST_CLUSTER_PORTS (the first of a range of 100) when set, else from 7300.
 */
async function clusterNodePort(taken: Set<number>): Promise<number> {
  const base = Number(process.env.GAZETTE_TEST_CLUSTER_PORTS ?? 7300);
  for (let port = base; port < base + 100; port++) {
    if (taken.has(port)) continue;
    if ((await portIsFree(port)) && (await portIsFree(port + 10_000))) {
      taken.add(port);
      return port;
    }
  }
  throw new Error(`no free port pair (port, port + 10000) from ${base} to ${base + 99}`);
}

export interface OwnCluster {
  /** Every node, primaries first as created (a failover swaps the roles, not this order). */
  nodes: OwnRedis[];
  /** REDIS_CLUSTER_NODES for this cluster, and REDIS_URL emptied (see SentinelSet.env). */
  env: { REDIS_CLUSTER_NODES: string; REDIS_URL: '' };
  /** The node that serves `key`'s slot as primary now, as a live node sees the slot map. */
  primaryFor(key: string): Promise<OwnRedis>;
  /** A replica of `primary` (one whose link to it is up). */
  replicaOf(primary: OwnRedis): Promise<OwnRedis>;
  /** One read on `node` as a replica answers it (READONLY first: else it redirects with MOVED). */
  readReplica(node: OwnRedis, ...args: (string | number)[]): Promise<unknown>;
  /**
   * `key`'s slot moved to the primary `to` as `redis-cli --cluster reshard` moves each slot:
   * IMPORTING on `to`, MIGRATING on the owner, its keys MIGRATEd in batches, then the slot
   * assigned to `to` (on `to` first, then the owner, then the others). Only that one slot.
   */
  moveSlotOf(key: string, to: OwnRedis): Promise<void>;
  /** Resolves once `key`'s slot has another primary than `old` and the cluster is ok; that node. */
  waitForFailover(key: string, old: OwnRedis, timeoutMs?: number): Promise<OwnRedis>;
  cleanup(): Promise<void>;
}

/** `INFO`-style `field:value` lines (INFO, CLUSTER INFO) as fields. */
function fields(text: unknown): Record<string, string> {
  return Object.fromEntries(
    String(text)
      .split(/\r?\n/)
      .filter((l) => l.includes(':'))
      .map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim()]),
  );
}

/**
 * A Redis Cluster of our own: `primaries` redis-servers with `--cluster-enabled yes` (each with
 * `replicasEach` replicas), joined by `redis-cli --cluster create`, back once every live node
 * says `cluster_state:ok` and every replica has synced. `nodeTimeoutMs` is cluster-node-timeout:
 * how long a primary must be silent before its replica is promoted.
 */
export async function startOwnCluster(
  opts: { primaries?: number; replicasEach?: number; nodeTimeoutMs?: number } = {},
): Promise<OwnCluster> {
  const primaries = opts.primaries ?? 3;
  const replicasEach = opts.replicasEach ?? 0;
  const taken = new Set<number>();
  const nodes: OwnRedis[] = [];
  const cluster: OwnCluster = {
    nodes,
    env: { REDIS_CLUSTER_NODES: '', REDIS_URL: '' },
    async primaryFor(key) {
      const live = nodes.filter((n) => n.proc().exitCode === null && n.proc().signalCode === null);
      for (const n of live) {
        const slot = Number(await n.cli('CLUSTER', 'KEYSLOT', key).catch(() => -1));
        const ranges = (await n.cli('CLUSTER', 'SLOTS').catch(() => [])) as [
          number,
          number,
          [string, number, ...unknown[]],
        ][];
        const range = ranges.find(([from, to]) => slot >= from && slot <= to);
        const owner = nodes.find((x) => x.port === Number(range?.[2][1]));
        if (owner) return owner;
      }
      throw new Error(`no live node names a primary for ${key}`);
    },
    async replicaOf(primary) {
      const id = String(await primary.cli('CLUSTER', 'MYID'));
      for (const n of nodes) {
        if (n === primary) continue;
        const info = fields(await n.cli('INFO', 'replication'));
        const myMaster = String(await n.cli('CLUSTER', 'NODES'))
          .split('\n')
          .find((l) => l.includes('myself'))
          ?.split(' ')[3];
        if (myMaster === id && info.master_link_status === 'up') return n;
      }
      throw new Error(`no replica of the node on ${primary.port}`);
    },
    async moveSlotOf(key, to) {
      const from = await cluster.primaryFor(key);
      const slot = Number(await from.cli('CLUSTER', 'KEYSLOT', key));
      const [fromId, toId] = await Promise.all([from, to].map((n) => n.cli('CLUSTER', 'MYID')));
      await to.cli('CLUSTER', 'SETSLOT', slot, 'IMPORTING', String(fromId));
      await from.cli('CLUSTER', 'SETSLOT', slot, 'MIGRATING', String(toId));
      for (;;) {
        const keys = (await from.cli('CLUSTER', 'GETKEYSINSLOT', slot, 100)) as string[];
        if (keys.length === 0) break;
        await from.cli('MIGRATE', '127.0.0.1', to.port, '', 0, 5000, 'KEYS', ...keys);
      }
      const others = nodes.filter((n) => n !== to && n !== from);
      for (const n of [to, from, ...others])
        await n.cli('CLUSTER', 'SETSLOT', slot, 'NODE', String(toId)).catch(() => {});
    },
    readReplica: (node, ...args) => commandsAt(node.port, [['READONLY'], args]),
    async waitForFailover(key, old, timeoutMs = 30_000) {
      return until(
        `another primary for ${key}`,
        async () => {
          const now = await cluster.primaryFor(key);
          if (now === old) return undefined;
          return fields(await now.cli('CLUSTER', 'INFO')).cluster_state === 'ok' ? now : undefined;
        },
        timeoutMs,
      );
    },
    async cleanup() {
      for (const n of nodes) await n.cleanup();
    },
  };
  try {
    for (let i = 0; i < primaries * (1 + replicasEach); i++) {
      const port = await clusterNodePort(taken);
      nodes.push(
        await startOwnRedis(
          [
            '--cluster-enabled',
            'yes',
            '--cluster-config-file',
            'nodes.conf',
            '--cluster-node-timeout',
            String(opts.nodeTimeoutMs ?? 2000),
            // Each node's test dir is its own, so a restarted node finds its nodes.conf.
            '--appendonly',
            'no',
          ],
          port,
        ),
      );
    }
    const addresses = nodes.map((n) => `127.0.0.1:${n.port}`);
    await promisify(execFile)('redis-cli', [
      '--cluster',
      'create',
      ...addresses,
      '--cluster-replicas',
      String(replicasEach),
      '--cluster-yes',
    ]);
    await until('every node to say cluster_state:ok and every replica to sync', async () => {
      for (const n of nodes) {
        if (fields(await n.cli('CLUSTER', 'INFO')).cluster_state !== 'ok') return false;
        const info = fields(await n.cli('INFO', 'replication'));
        if (info.role === 'slave' && info.master_link_status !== 'up') return false;
      }
      return true;
    });
    cluster.env.REDIS_CLUSTER_NODES = addresses.join(',');
  } catch (err) {
    await cluster.cleanup();
    throw err;
  }
  return cluster;
}

/**
 * Child processes for the benchmarks, and what the kernel says they cost: CPU seconds from
 * /proc/<pid>/stat and peak RSS (VmHWM) from /proc/<pid>/status. A child measured from outside
 * needs no code of ours inside it, so the worker is measured exactly as it runs in production.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { createServer } from 'node:net';

let ticks: number | undefined;

/** Clock ticks per second of /proc's utime and stime (100 on every Linux we run on). */
function clockTicks(): number {
  if (ticks === undefined) {
    try {
      ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticks = 100;
    }
  }
  return ticks;
}

/** User + system CPU seconds the process has used so far; undefined once it is gone. */
export function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    // The command name may hold spaces and parentheses: the fields start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / clockTicks();
  } catch {
    return undefined;
  }
}

/** Peak resident set size in bytes (VmHWM): the high-water mark since the process started. */
export function peakRss(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'latin1');
    const kb = /^VmHWM:\s+(\d+)\s+kB/m.exec(status)?.[1];
    return kb ? Number(kb) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Resident set size in bytes right now (VmRSS). */
export function rss(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'latin1');
    const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
    return kb ? Number(kb) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** A port nobody listens on right now (for a sink that cannot be told to pick its own). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface Child {
  proc: ChildProcess;
  pid: number;
  stdout(): string;
  stderr(): string;
  exited: Promise<number | null>;
  /** Resolves when `text` has appeared on stdout or stderr. */
  waitFor(text: string, timeoutMs?: number): Promise<void>;
  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

export function spawnChild(
  command: string,
  args: string[],
  env: Record<string, string | undefined> = {},
): Child {
  const proc = spawn(command, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (proc.pid === undefined) throw new Error(`could not start ${command}`);
  // BENCH_CHILD_LOGS=DIR keeps every child's output (e.g. a worker's --trace-gc) for a look later.
  if (process.env.BENCH_CHILD_LOGS) {
    const file = createWriteStream(
      join(
        process.env.BENCH_CHILD_LOGS,
        `${basename(args.find((a) => !a.startsWith('-')) ?? command)}.${proc.pid}.log`,
      ),
    );
    proc.stdout!.pipe(file);
    proc.stderr!.pipe(file);
  }
  let out = '';
  let err = '';
  const listeners = new Set<() => void>();
  proc.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
    for (const l of listeners) l();
  });
  proc.stderr!.on('data', (d: Buffer) => {
    err += d.toString();
    for (const l of listeners) l();
  });
  let done = false;
  const exited = new Promise<number | null>((resolve) =>
    proc.on('exit', (code) => {
      done = true;
      resolve(code);
    }),
  );
  const pid = proc.pid;
  return {
    proc,
    pid,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitFor(text, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (out.includes(text) || err.includes(text)) finish();
        };
        const timer = setTimeout(
          () => fail(new Error(`no "${text}" from ${command} within ${timeoutMs} ms:\n${err}`)),
          timeoutMs,
        );
        const finish = () => {
          clearTimeout(timer);
          listeners.delete(check);
          resolve();
        };
        const fail = (e: Error) => {
          clearTimeout(timer);
          listeners.delete(check);
          reject(e);
        };
        listeners.add(check);
        void exited.then((code) =>
          fail(new Error(`${command} exited ${code} before "${text}":\n${err}`)),
        );
        check();
      });
    },
    async stop(graceMs = 10_000) {
      if (done) return;
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** `node [--cpu-prof] --import tsx <script>`: a TypeScript entry point of ours in a child. */
export function spawnTs(
  script: string,
  args: string[],
  env: Record<string, string | undefined> = {},
  profileDir?: string,
): Child {
  const prof = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  return spawnChild(process.execPath, [...prof, '--import', 'tsx', script, ...args], env);
}

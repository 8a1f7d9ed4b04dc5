import { spawn, type ChildProcess } from 'node:child_process';

export interface Child {
  proc: ChildProcess;
  /** Everything the child wrote to stderr so far (its logs). */
  stderr(): string;
  exited: Promise<number | null>;
  /** Resolves when `text` has appeared on stderr. */
  waitFor(text: string, timeoutMs?: number): Promise<void>;
}

/** `gazette <args>` in a child process (the TypeScript source through tsx), for kill tests. */
export function spawnGazette(args: string[], env: Record<string, string | undefined>): Child {
  const proc = spawn(process.execPath, ['bin/gazette.js', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  proc.stdout!.resume();
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  return {
    proc,
    stderr: () => err,
    exited,
    waitFor(text, timeoutMs = 15_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no "${text}" from child within ${timeoutMs} ms:\n${err}`)),
          timeoutMs,
        );
        const check = () => {
          if (err.includes(text)) {
            clearTimeout(timer);
            proc.stderr!.off('data', check);
            resolve();
          }
        };
        proc.stderr!.on('data', check);
        void exited.then((code) =>
          reject(new Error(`child exited ${code} before "${text}":\n${err}`)),
        );
        check();
      });
    },
  };
}

export function messageIdOf(raw: Buffer): string {
  const head = raw.subarray(0, raw.indexOf('\r\n\r\n')).toString('latin1');
  return /^Message-ID:\s*(<[^>]+>)/im.exec(head)?.[1] ?? '';
}

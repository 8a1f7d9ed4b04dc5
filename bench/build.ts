/**
 * The benchmarks run `gazette` as it is deployed: compiled by tsc (the Docker image runs dist/),
 * not through tsx, whose on-the-fly compiler and source maps cost a worker about 30 MB and some
 * CPU. The tree is built in a temporary directory, never in the working tree: a dist/ there
 * would make bin/gazette.js run stale code in everyone's tests.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const ROOT = resolve(import.meta.dirname, '..');

export interface CompiledTree {
  /** `bin/gazette.js` of the compiled tree: it finds dist/cli/main.js beside it and runs that. */
  bin: string;
  remove(): void;
}

export async function buildCompiledTree(): Promise<CompiledTree> {
  const dir = mkdtempSync(join(tmpdir(), 'gazette-bench-build-'));
  try {
    // Type errors do not stop tsc from emitting; the benchmark measures the code as it stands.
    await promisify(execFile)(
      process.execPath,
      [
        resolve(ROOT, 'node_modules/typescript/bin/tsc'),
        '-p',
        resolve(ROOT, 'tsconfig.build.json'),
        '--outDir',
        join(dir, 'dist'),
        '--sourceMap',
        'false',
      ],
      { cwd: ROOT },
    ).catch((err: { stdout?: string; code?: number }) => {
      if (err.code !== 2) throw err; // 2: emitted with type errors
    });
    mkdirSync(join(dir, 'bin'));
    copyFileSync(resolve(ROOT, 'bin/gazette.js'), join(dir, 'bin/gazette.js'));
    copyFileSync(resolve(ROOT, 'package.json'), join(dir, 'package.json'));
    symlinkSync(resolve(ROOT, 'node_modules'), join(dir, 'node_modules'));
    // The templates and Redis scripts beside the compiled code, as `npm run build` leaves them.
    await promisify(execFile)(
      process.execPath,
      [resolve(ROOT, 'scripts/copy-assets.js'), join(dir, 'dist')],
      { cwd: ROOT },
    );
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    bin: join(dir, 'bin/gazette.js'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'vitest';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Real input that nobody on this project wrote (the seed story, scraped wire copy, saved pages)
 * lives in the workplace's shared/ folder beside the checkout and is never copied into the
 * repository. GAZETTE_SHARED_DIR points elsewhere when a clone lives somewhere else.
 */
const SHARED_DIR = process.env.GAZETTE_SHARED_DIR
  ? resolve(process.env.GAZETTE_SHARED_DIR)
  : resolve(repo, '..', 'shared');

/** The path of `parts` under shared/, or undefined when it is not there. */
export function sharedPath(...parts: string[]): string | undefined {
  const p = resolve(SHARED_DIR, ...parts);
  return existsSync(p) ? p : undefined;
}

/**
 * A describe block over real input from shared/: skipped with a plain reason when the folder is
 * absent (a clone elsewhere), and failing when CI=true, since CI always has it beside the clone.
 */
export function describeShared(name: string, parts: string[], body: (path: string) => void): void {
  const path = sharedPath(...parts);
  if (path) {
    describe(name, () => body(path));
    return;
  }
  const where = resolve(SHARED_DIR, ...parts);
  const reason = `the shared input ${where} is absent (set GAZETTE_SHARED_DIR)`;
  if (process.env.CI === 'true') {
    describe(name, () => {
      it('has its shared input (CI=true: CI always has shared/ beside the clone)', () => {
        throw new Error(`CI=true but ${reason}`);
      });
    });
    return;
  }
  // The body is not called: it may read the input while the tests are being collected.
  console.warn(`skipped "${name}": ${reason}`);
  describe(name, () => {
    it.skip(`skipped: ${reason}`, () => {});
  });
}

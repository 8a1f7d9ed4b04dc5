import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * The reference wire sample lives in the workplace's shared/ beside the checkout (never copied
 * into the repository). GAZETTE_SHARED_DIR points elsewhere when a clone lives somewhere else.
 */
function findSeed(): string {
  const candidates = [
    process.env.GAZETTE_SHARED_DIR &&
      resolve(process.env.GAZETTE_SHARED_DIR, 'seed', 'wire-article.txt'),
    resolve(repo, '..', 'shared', 'seed', 'wire-article.txt'),
    resolve('..', 'shared', 'seed', 'wire-article.txt'),
    '/work/shared/seed/wire-article.txt',
  ].filter((p): p is string => Boolean(p));
  const found = candidates.find((p) => existsSync(p));
  if (!found) {
    throw new Error(
      `the reference sample shared/seed/wire-article.txt is not at any of: ${candidates.join(', ')} (set GAZETTE_SHARED_DIR)`,
    );
  }
  return found;
}

export const SEED = findSeed();

import { describeShared, sharedPath } from './shared.js';

/** shared/seed/wire-article.txt: the reference wire sample, never copied into the repository. */
const SEED_PARTS = ['seed', 'wire-article.txt'];

/** Its path, or undefined when shared/ is not beside this clone: read it inside `describeSeed`. */
const SEED: string | undefined = sharedPath(...SEED_PARTS);

/**
 * A describe block over the reference sample (`describeShared`): skipped with the reason when it
 * is absent, failing when CI=true. `body` gets the sample's path and is not called when absent.
 */
export function describeSeed(name: string, body: (seed: string) => void): void {
  describeShared(name, SEED_PARTS, body);
}

/** The sample's path; for code that only runs inside a `describeSeed` block. */
export function seedPath(): string {
  if (!SEED) throw new Error('the reference sample is absent: use it inside describeSeed');
  return SEED;
}

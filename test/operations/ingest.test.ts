import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createArticleStore, type ArticleStore } from '../../src/stores/articles.js';
import { createEditionStore, type EditionStore } from '../../src/stores/editions.js';
import { ingestFiles } from '../../src/operations/ingest.js';
import { InvalidArticleError } from '../../src/runtime/errors.js';
import { testRedis, type TestRedis } from '../helpers/redis.js';
import { describeSeed } from '../helpers/seed.js';

const SITE = 'https://news.example';

const wire = (lead: string) =>
  `Story highlights\n\nA highlight without a stop\n\n(CNN) -- ${lead}\n\nA second paragraph of the story.\n`;

describe('ingest', () => {
  let t: TestRedis;
  let editions: EditionStore;
  let store: ArticleStore;
  let dir: string;
  let clock: Date;
  const ingest = (files: string[]) =>
    ingestFiles(files, { store, editions, siteUrl: SITE, now: () => clock });

  beforeEach(async () => {
    t = testRedis('ingest');
    editions = createEditionStore({ redis: t.redis, prefix: t.prefix });
    store = createArticleStore({ redis: t.redis, prefix: t.prefix });
    dir = await mkdtemp(join(tmpdir(), 'gazette-ingest-'));
    clock = new Date('2026-11-20T08:00:00.000Z');
  });

  afterEach(async () => {
    await t.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  describeSeed('the reference sample', (seed) => {
    it('stores the record, the date index and the hash, and makes it a candidate for the next edition', async () => {
      const file = join(dir, 'palmyra.txt');
      await writeFile(file, await readFile(seed));
      const [r] = await ingest([file]);
      expect(r).toEqual({ file, id: 'palmyra', outcome: 'created' });

      const stored = await store.get('palmyra');
      expect(stored?.article.title).toBe('Syrian forces recaptured Palmyra from ISIS on Sunday');
      expect(stored?.article.publishedAt).toBe(clock.toISOString());
      expect(stored?.hash).toMatch(/^[0-9a-f]{64}$/);
      expect(stored?.file).toBe(file);
      expect(await t.redis.zscore(`${t.prefix}:db:articles:by-published`, 'palmyra')).toBe(
        String(clock.getTime()),
      );
      expect(await editions.candidateIds(10)).toEqual(['palmyra']);
    });
  });

  it('re-ingesting an unchanged file changes nothing; a changed file updates record and hash, keeping publishedAt', async () => {
    const file = join(dir, 'budget-vote.txt');
    await writeFile(file, wire('The council passed the budget on Monday, ending a long standoff.'));
    await ingest([file]);
    const first = await store.get('budget-vote');
    const version = await store.feedVersion();

    clock = new Date('2026-11-21T09:00:00.000Z');
    expect(await ingest([file])).toEqual([{ file, id: 'budget-vote', outcome: 'unchanged' }]);
    expect(await store.get('budget-vote')).toEqual(first);
    expect(await store.feedVersion()).toBe(version);
    expect(await editions.candidateIds(10)).toEqual(['budget-vote']);

    await writeFile(
      file,
      wire('The council passed an amended budget on Tuesday, ending a long standoff.'),
    );
    expect(await ingest([file])).toEqual([{ file, id: 'budget-vote', outcome: 'updated' }]);
    const second = await store.get('budget-vote');
    expect(second?.hash).not.toBe(first?.hash);
    expect(second?.article.title).toBe('The council passed an amended budget on Tuesday');
    expect(second?.article.publishedAt).toBe(first?.article.publishedAt);
    expect(second?.firstIngestedAt).toBe(first?.firstIngestedAt);
    expect(await store.feedVersion()).toBe(version + 1);
    expect(await editions.candidateIds(10)).toEqual(['budget-vote']);
  });

  it('stores the good files among ten and reports the bad one with its path and reason', async () => {
    const files: string[] = [];
    for (let i = 0; i < 10; i++) {
      const file = join(dir, `story-${i}.txt`);
      await writeFile(
        file,
        i === 4
          ? '---\ntitle: [unclosed\n---\nBody.\n'
          : wire(`Paragraph number ${i} opens the story, and more.`),
      );
      files.push(file);
    }
    const results = await ingest(files);
    const bad = results.filter((r) => 'error' in r);
    expect(bad).toHaveLength(1);
    const error = (bad[0] as { error: InvalidArticleError }).error;
    expect(error).toBeInstanceOf(InvalidArticleError);
    expect(error.message).toContain(files[4]);
    expect(await store.count()).toBe(9);
    expect(await store.get('story-4')).toBeUndefined();
    expect(await editions.candidateIds(20)).toHaveLength(9);
  });

  it('refuses a second file that claims an id another file holds', async () => {
    const a = join(dir, 'a.txt');
    const b = join(dir, 'b.md');
    await writeFile(a, '---\nid: same\n---\nThe first story, told plainly.\n');
    await writeFile(b, '---\nid: same\n---\nThe second story, told plainly.\n');
    const results = await ingest([a, b]);
    expect(results[0]).toMatchObject({ id: 'same', outcome: 'created' });
    expect((results[1] as { error: Error }).error.message).toMatch(/id "same" is already used by/);
    expect((await store.get('same'))?.file).toBe(a);
  });
});

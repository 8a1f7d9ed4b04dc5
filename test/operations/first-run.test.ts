import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { simpleParser } from 'mailparser';
import { afterEach, describe, expect, it } from 'vitest';
import { runOnce } from '../../src/operations/run.js';
import { createRedis } from '../../src/runtime/redis.js';
import { deletePrefix, REDIS_URL, uniquePrefix } from '../helpers/redis.js';
import { sampleWire, testPipeline, type TestPipeline } from '../helpers/pipeline.js';

const emls = async (dir: string) =>
  (await readdir(dir).catch(() => [] as string[])).filter((f) => f.endsWith('.eml'));

async function recipientsOf(dir: string): Promise<string[]> {
  const to: string[] = [];
  for (const f of await emls(dir)) {
    const mail = await simpleParser(await readFile(join(dir, f)));
    const addr = Array.isArray(mail.to) ? mail.to[0] : mail.to;
    to.push(addr?.value[0]?.address ?? '');
  }
  return to.sort();
}

describe('the first run (nobody subscribed yet)', () => {
  let t: TestPipeline;
  afterEach(async () => {
    await t?.cleanup();
  });

  const run = () =>
    runOnce(t.ctx, { contentDir: t.config.contentDir, feedPath: join(t.dir, 'out', 'feed.xml') });

  it('writes the preview and keeps the articles; after one subscribes, the next run delivers them to the outbox', async () => {
    t = await testPipeline();
    await t.writeArticle('harbour.txt', sampleWire('The harbour reopened on Monday.'));
    await t.writeArticle('library.txt', sampleWire('The library will stay open late.'));
    t.startWorkers();

    const first = await run();
    expect(first.editionId).toBeNull();
    expect(first.preview).toMatchObject({ dir: join(t.dir, 'out'), stories: 2, subscribers: 0 });
    const id = first.preview!.editionId;
    const html = await readFile(join(t.dir, 'out', 'editions', `${id}.html`), 'utf8');
    expect(html).toContain('The harbour reopened on Monday.');
    expect(html).toContain('The library will stay open late.');
    expect(await readFile(join(t.dir, 'out', 'editions', `${id}.txt`), 'utf8')).toContain(
      'The harbour reopened on Monday.',
    );
    const sample = await simpleParser(await readFile(join(t.dir, 'out', 'editions', `${id}.eml`)));
    expect(sample.html).toContain('The library will stay open late.');
    expect(await readFile(join(t.dir, 'out', 'feed.xml'), 'utf8')).toContain('<rss');
    // Nothing was claimed by an edition, and nothing was mailed.
    expect(await t.ctx.editions.listIds()).toEqual([]);
    expect(await emls(t.config.outboxDir)).toEqual([]);

    await t.ctx.subscribers.add({ email: 'you@example.com', status: 'active' });
    const second = await run();
    expect(second.preview).toBeNull();
    expect(second).toMatchObject({ recipients: 1, sent: 1, failed: 0 });
    expect(await t.ctx.editions.get(second.editionId!)).toMatchObject({
      articleIds: expect.arrayContaining(['harbour', 'library']) as unknown,
    });
    expect(await recipientsOf(t.config.outboxDir)).toEqual(['you@example.com']);
    const [eml] = await emls(t.config.outboxDir);
    const mail = await simpleParser(await readFile(join(t.config.outboxDir, eml!)));
    expect(mail.text).toContain('The harbour reopened on Monday.');
    expect(mail.text).toContain('The library will stay open late.');

    // And the one after has nothing new: the articles went out once.
    expect((await run()).editionId).toBeNull();
    expect(await emls(t.config.outboxDir)).toHaveLength(1);
  });

  it('when everyone has unsubscribed, makes no edition for nobody: new articles wait for the next reader', async () => {
    t = await testPipeline();
    const { subscriber: first } = await t.ctx.subscribers.add({
      email: 'first@example.com',
      status: 'active',
    });
    await t.writeArticle('harbour.txt', sampleWire('The harbour reopened on Monday.'));
    t.startWorkers();
    expect(await run()).toMatchObject({ recipients: 1, sent: 1 });

    await t.ctx.subscribers.unsubscribe(first.id);
    await t.writeArticle('ferry.txt', sampleWire('The ferry timetable changes in March.'));
    const held = await run();
    expect(held.editionId).toBeNull();
    expect(held.preview).toMatchObject({ subscribers: 1 });
    expect(await t.ctx.editions.listIds()).toHaveLength(1);

    await t.ctx.subscribers.add({ email: 'next@example.com', status: 'active' });
    const next = await run();
    expect(next).toMatchObject({ recipients: 1, sent: 1 });
    expect((await t.ctx.editions.get(next.editionId!))?.articleIds).toEqual(['ferry']);
    expect(await recipientsOf(t.config.outboxDir)).toEqual([
      'first@example.com',
      'next@example.com',
    ]);
  });
});

const exec = promisify(execFile);

/**
 * What a new user types, as they type it: `npm start` is `tsx src/cli/main.ts run`, and bin/gazette.js
 * runs the same source through tsx. The repository's own content/ is the input.
 */
describe('npm start, subscribers add, npm start (the CLI on an empty prefix)', () => {
  let dir: string;
  let prefix: string;
  afterEach(async () => {
    const redis = createRedis(REDIS_URL);
    await deletePrefix(redis, prefix);
    await redis.quit();
    await rm(dir, { recursive: true, force: true });
  });

  it('previews first, then delivers the first edition to the address added', async () => {
    dir = await mkdtemp(join(tmpdir(), 'gazette-first-run-'));
    prefix = uniquePrefix('first-run');
    const out = join(dir, 'out');
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      REDIS_URL,
      GAZETTE_PREFIX: prefix,
      OUTBOX_DIR: join(out, 'outbox'),
      CONTENT_DIR: 'content',
      LOG_LEVEL: 'warn',
      NODE_ENV: 'development',
    };
    delete env.SMTP_URL;
    const gazette = (...args: string[]) =>
      exec(process.execPath, ['bin/gazette.js', ...args], { env, timeout: 60_000 });

    const first = await gazette('run', '--feed', join(out, 'feed.xml'));
    expect(first.stdout).toContain('no active subscriber');
    expect(first.stdout).toContain('npm run -s gazette -- subscribers add you@example.com');
    const previews = await readdir(join(out, 'editions'));
    expect(previews.filter((f) => /\.(html|txt|eml)$/.test(f))).toHaveLength(3);
    for (const f of previews) expect(first.stdout).toContain(join(out, 'editions', f));
    expect(await emls(join(out, 'outbox'))).toEqual([]);

    await gazette('subscribers', 'add', 'you@example.com');
    const second = await gazette('run', '--feed', join(out, 'feed.xml'));
    expect(second.stdout).toMatch(/edition \S+: 1 recipients, sent 1, failed 0/);
    expect(await recipientsOf(join(out, 'outbox'))).toEqual(['you@example.com']);
  }, 60_000);
});

import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withContext } from '../../src/operations/context.js';
import { handleInbound } from '../../src/operations/inbound.js';
import { loadConfig } from '../../src/runtime/config.js';
import { createSubscriberStore } from '../../src/stores/subscribers/index.js';
import { arf, dsn } from '../helpers/reports.js';
import { REDIS_URL, testRedis, type TestRedis } from '../helpers/redis.js';

const exec = promisify(execFile);

describe('gazette subscribers (end to end)', () => {
  let t: TestRedis;
  let dir: string;
  const gazette = async (...args: string[]) => {
    try {
      const { stdout, stderr } = await exec(
        'npx',
        ['tsx', 'src/cli/main.ts', 'subscribers', ...args],
        {
          env: { ...process.env, GAZETTE_PREFIX: t.prefix, REDIS_URL, LOG_LEVEL: 'silent' },
        },
      );
      return { code: 0, stdout, stderr };
    } catch (err) {
      const e = err as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  };

  beforeAll(async () => {
    t = testRedis('cli');
    dir = await mkdtemp(join(tmpdir(), 'gazette-cli-'));
  });
  afterAll(async () => {
    await t.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  it('adds, refuses a bad address, imports, lists and removes, with honest exit codes', async () => {
    const added = await gazette('add', 'Ann@Example.com', '--name', 'Ann', '--tz', 'europe/paris');
    expect(added).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/^created\s+[0-9a-f]{16} {2}ann@example\.com \(active\)/),
    });

    const bad = await gazette('add', 'ann@@example.com');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(
      'invalid email address "ann@@example.com": it has more than one @',
    );

    const file = join(dir, 'list.csv');
    await writeFile(file, 'email,name\nbo@example.com,Bo\nnot-an-address,X\n');
    const imported = await gazette('import', file);
    expect(imported.code).toBe(1);
    expect(imported.stderr).toContain(`${file}:3: invalid email address "not-an-address"`);
    expect(imported.stdout).toMatch(/2 rows: 1 created, 1 invalid/);

    const listed = await gazette('list', '--json');
    expect(listed.code).toBe(0);
    const rows = JSON.parse(listed.stdout) as { email: string; tz: string | null }[];
    expect(rows.map((r) => [r.email, r.tz])).toEqual([
      ['ann@example.com', 'Europe/Paris'],
      ['bo@example.com', null],
    ]);

    expect(await gazette('remove', 'ann@example.com')).toMatchObject({ code: 0 });
    const again = await gazette('remove', 'ann@example.com');
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('no subscriber with the address "ann@example.com"');
    const store = createSubscriberStore({ redis: t.redis, prefix: t.prefix });
    expect((await store.list()).map((s) => s.email)).toEqual(['bo@example.com']);
  }, 120_000);

  it('list --json shows each status, bounced and complained included, as a DSN and an ARF left them', async () => {
    const store = createSubscriberStore({ redis: t.redis, prefix: t.prefix });
    for (const email of ['cy@example.com', 'di@example.com', 'ed@example.com'])
      await store.add({ email, status: 'active' });
    const config = loadConfig({ REDIS_URL, GAZETTE_PREFIX: t.prefix, LOG_LEVEL: 'silent' });
    await withContext(config, async (ctx) => {
      await handleInbound(ctx, Buffer.from(dsn('cy@example.com', 'failed', '5.1.1')), {
        from: '',
        to: ['bounces@bounces.news.example'],
      });
      await handleInbound(ctx, Buffer.from(arf('di@example.com')), { from: '', to: [] });
    });

    const listed = await gazette('list', '--json');
    expect(listed.code).toBe(0);
    const rows = JSON.parse(listed.stdout) as { email: string; status: string }[];
    expect(
      rows.filter((r) => r.email !== 'bo@example.com').map((r) => [r.email, r.status]),
    ).toEqual([
      ['cy@example.com', 'bounced'],
      ['di@example.com', 'complained'],
      ['ed@example.com', 'active'],
    ]);
    // A complaint is for good: adding the address again does not revive it.
    expect(await gazette('add', 'di@example.com')).toMatchObject({
      code: 0,
      stdout: expect.stringContaining('(complained; complained, and add does not re-activate)'),
    });
  }, 120_000);
});

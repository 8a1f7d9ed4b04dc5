import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSubscriberStore } from '../../src/stores/subscribers/index.js';
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
});

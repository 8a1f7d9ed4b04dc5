import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REDIS_URL, testRedis, type TestRedis } from '../helpers/redis.js';

const exec = promisify(execFile);

describe('gazette suppressions (end to end)', () => {
  let t: TestRedis;
  const gazette = async (...args: string[]) => {
    try {
      const { stdout, stderr } = await exec(
        'npx',
        ['tsx', 'src/cli/main.ts', 'suppressions', ...args],
        { env: { ...process.env, GAZETTE_PREFIX: t.prefix, REDIS_URL, LOG_LEVEL: 'silent' } },
      );
      return { code: 0, stdout, stderr };
    } catch (err) {
      const e = err as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  };
  beforeAll(() => {
    t = testRedis('cli-supp');
  });
  afterAll(() => t.cleanup());

  it('add, list (text and JSON), remove; an unknown reason and a second remove exit 1', async () => {
    expect(
      await gazette('add', 'Ann@Example.com', '--reason', 'complaint', '--note', 'phoned'),
    ).toMatchObject({
      code: 0,
      stdout: 'suppressed ann@example.com (complaint)\n',
    });
    expect((await gazette('add', 'bob@example.com', '--reason', 'whim')).code).toBe(1);
    const listed = await gazette('list');
    expect(listed.stdout).toMatch(/complaint\s+cli\s+ann@example\.com {2}phoned/);
    const json = JSON.parse((await gazette('list', '--json')).stdout) as { email: string }[];
    expect(json).toEqual([
      expect.objectContaining({ email: 'ann@example.com', reason: 'complaint', source: 'cli' }),
    ]);
    expect(await gazette('remove', 'ANN@example.com')).toMatchObject({ code: 0 });
    expect((await gazette('remove', 'ann@example.com')).code).toBe(1);
  }, 90_000);
});

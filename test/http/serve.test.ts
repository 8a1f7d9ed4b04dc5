import { request } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { spawnGazette, type Child } from '../helpers/children.js';
import { REDIS_URL, testRedis, type TestRedis } from '../helpers/redis.js';
import { TEST_SECRET } from '../helpers/pipeline.js';
import { freePort } from '../helpers/http.js';

describe('gazette serve', () => {
  let child: Child | undefined;
  let r: TestRedis | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    if (child && child.proc.exitCode === null) child.proc.kill('SIGKILL');
    await r?.cleanup();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('serves, and on SIGTERM refuses new connections, finishes the request in flight, then exits 0', async () => {
    r = testRedis('serve');
    dir = await mkdtemp(join(tmpdir(), 'gazette-serve-'));
    const port = await freePort();
    child = spawnGazette(['serve'], {
      REDIS_URL,
      GAZETTE_PREFIX: r.prefix,
      SECRET: TEST_SECRET,
      HOST: '127.0.0.1',
      PORT: String(port),
      OUTBOX_DIR: join(dir, 'outbox'),
      LOG_LEVEL: 'info',
      SHUTDOWN_TIMEOUT_MS: '5000',
      NODE_ENV: 'test',
    });
    await child.waitFor('"msg":"listening"');
    const origin = `http://127.0.0.1:${port}`;
    expect((await fetch(`${origin}/healthz`)).status).toBe(200);

    // A form post whose body is still arriving when the signal comes.
    const body = 'email=slow%40example.org';
    const answer = new Promise<number>((resolve, reject) => {
      const req = request(
        `${origin}/subscribe`,
        {
          method: 'POST',
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            'content-length': String(body.length),
            connection: 'close',
          },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.write(body.slice(0, 6));
      setTimeout(() => {
        child!.proc.kill('SIGTERM');
        setTimeout(() => req.end(body.slice(6)), 400);
      }, 200);
    });
    expect(await answer).toBe(202);
    await expect(fetch(`${origin}/healthz`)).rejects.toThrow();
    expect(await child.exited).toBe(0);
    expect(child.stderr()).toContain('"msg":"stopped"');
    const sub = await r.redis.hget(`${r.prefix}:db:subscribers:by-email`, 'slow@example.org');
    expect(sub).toMatch(/^[0-9a-f]{16}$/);
  });
});

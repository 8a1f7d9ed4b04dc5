import { afterEach, describe, expect, it } from 'vitest';
import { waitForEdition } from '../../src/operations/progress.js';
import { TEST_SECRET } from '../helpers/pipeline.js';
import { spawnGazette, type Child } from '../helpers/children.js';
import { openBed, type Bed } from './support/bed.js';
import { freePort, startOwnRedis, type OwnRedis } from '../helpers/redis-server.js';
import { recordAudit, recordFault } from './support/summary.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Every Redis here is the test's own redis-server: stopping or freezing the shared one is not ours to do. */
describe('Redis faults', () => {
  let bed: Bed | undefined;
  const children: Child[] = [];
  let own: OwnRedis | undefined;
  afterEach(async () => {
    for (const c of children) if (c.proc.exitCode === null) c.proc.kill('SIGKILL');
    children.length = 0;
    await bed?.cleanup();
    bed = undefined;
    await own?.cleanup();
    own = undefined;
  });

  async function finishAndRecord(b: Bed, editionId: string, fault: string, tried: number) {
    const progress = await waitForEdition(b.t.ctx, editionId, {
      timeoutMs: 90_000,
      intervalMs: 100,
    });
    const audit = await b.audit(editionId);
    recordAudit(fault, tried, b.ids.length, audit);
    expect(audit).toMatchObject({ lost: 0, doubled: 0, unrecorded: 0 });
    expect(progress).toMatchObject({ queued: 0, sending: 0, failed: 0 });
    return { progress, audit };
  }

  it('restarted three times mid-edition (AOF on; SIGTERM, then SIGKILL twice): the worker reconnects and finishes; no record lost', async () => {
    bed = await openBed({
      recipients: 1000,
      redisArgs: ['--appendonly', 'yes'],
      sink: { replyDelayMs: 5 },
    });
    const worker = bed.spawnWorker();
    await worker.waitFor('workers running', 30_000);
    const editionId = await bed.send();
    for (const [i, how] of (['stop', 'crash', 'crash'] as const).entries()) {
      await bed.sink!.waitForAccepted(150 + i * 250);
      const before = await bed.t.ctx.deliveries.counts(editionId);
      await bed.redis[how]();
      await sleep(1000);
      await bed.redis.start();
      // The AOF brought every record back: nothing that was sent went back to queued.
      const after = await bed.t.ctx.deliveries.counts(editionId);
      expect(after.total).toBe(1000);
      expect(after.sent).toBeGreaterThanOrEqual(before.sent);
    }
    const { progress } = await finishAndRecord(
      bed,
      editionId,
      'Redis restarted ×3 mid-edition (AOF; SIGTERM, SIGKILL ×2)',
      3,
    );
    expect(progress.sent + progress.uncertain).toBe(1000);
    expect(worker.proc.exitCode).toBeNull();
  });

  it('frozen (kill -STOP) longer than the lock, two workers: one effective send per recipient', async () => {
    bed = await openBed({ recipients: 1000, sink: { replyDelayMs: 5 } });
    const a = bed.spawnWorker();
    const b = bed.spawnWorker();
    await Promise.all([a.waitFor('workers running', 30_000), b.waitFor('workers running', 30_000)]);
    const editionId = await bed.send();
    await bed.sink!.waitForAccepted(200);
    bed.redis.freeze();
    // Three lock durations (WORKER_LOCK_MS=1000): every lock has expired when Redis wakes up.
    await sleep(3000);
    bed.redis.thaw();
    const { progress } = await finishAndRecord(
      bed,
      editionId,
      'Redis frozen 3 s (lock 1 s), two workers',
      1,
    );
    // Evidence that the freeze did what it is for: jobs whose locks had gone.
    const lockTrouble = (c: Child) => c.stderr().match(/lock|stalled/gi)?.length ?? 0;
    console.log(
      `freeze: lock or stall messages from the workers: ${lockTrouble(a)}, ${lockTrouble(b)}`,
    );
    expect(progress.sent + progress.uncertain).toBe(1000);
    expect(a.proc.exitCode).toBeNull();
    expect(b.proc.exitCode).toBeNull();
  });

  it('down at start: worker and serve exit non-zero with an error naming the URL', async () => {
    const port = await freePort();
    const url = `redis://127.0.0.1:${port}`;
    const started = Date.now();
    const both = [['worker'], ['serve', '--no-workers']].map(async (args) => {
      const c = spawnGazette(args, {
        REDIS_URL: url,
        SECRET: TEST_SECRET,
        PORT: String(await freePort()),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'info',
      });
      children.push(c);
      const code = await c.exited;
      expect(code, args[0]).not.toBe(0);
      expect(c.stderr()).toContain(`cannot reach Redis at ${url}`);
    });
    await Promise.all(both);
    expect(Date.now() - started).toBeLessThan(15_000);
    recordFault({
      fault: 'Redis down at start (worker, serve)',
      tried: 2,
      recipients: 0,
      lost: 0,
      doubled: 0,
      uncertain: 0,
    });
  });

  it('gone or hung while serving: /healthz says 503 within a second, and 200 once it is back', async () => {
    own = await startOwnRedis();
    const port = await freePort();
    const c = spawnGazette(['serve', '--no-workers'], {
      REDIS_URL: own.url,
      GAZETTE_PREFIX: 'faults-health',
      SECRET: TEST_SECRET,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
    });
    children.push(c);
    await c.waitFor('"msg":"listening"', 30_000);
    const health = async () => {
      const started = Date.now();
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      await res.body?.cancel();
      return { status: res.status, ms: Date.now() - started };
    };
    expect((await health()).status).toBe(200);
    await own.stop();
    const down = await health();
    expect(down.status).toBe(503);
    expect(down.ms).toBeLessThan(1000);
    await own.start();
    const deadline = Date.now() + 10_000;
    let back = await health();
    while (back.status !== 200 && Date.now() < deadline) {
      await sleep(100);
      back = await health();
    }
    expect(back.status).toBe(200);
    // Hung rather than gone: the same answer, as fast.
    own.freeze();
    const hung = await health();
    own.thaw();
    expect(hung.status).toBe(503);
    expect(hung.ms).toBeLessThan(1000);
    expect(c.proc.exitCode).toBeNull();
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { waitForEdition } from '../../src/operations/progress.js';
import { buildApp } from '../../src/http/app.js';
import { createMetrics } from '../../src/jobs/metrics.js';
import { testPipeline } from '../helpers/pipeline.js';
import { startOwnRedis, type OwnRedis } from '../helpers/redis-server.js';
import { eventually, sampleWire, testApp, type TestApp } from '../helpers/http.js';

describe('GET /healthz', () => {
  let a: TestApp | undefined;
  let redis: OwnRedis | undefined;
  afterEach(async () => {
    await a?.close();
    redis?.thaw();
    await redis?.cleanup();
  });

  it('200 while Redis answers; 503 within a second when it hangs or is gone; 200 again when it is back', async () => {
    redis = await startOwnRedis(['--appendonly', 'no']);
    a = await testApp({ REDIS_URL: redis.url });
    const health = async () => {
      const started = performance.now();
      const res = await a!.app.inject({ url: '/healthz' });
      return {
        status: res.statusCode,
        body: JSON.parse(res.body),
        ms: performance.now() - started,
      };
    };
    const ok = await health();
    expect(ok).toMatchObject({ status: 200, body: { status: 'ok', redis: 'ok' } });
    expect(ok.body.latencyMs).toBeTypeOf('number');

    // Hung: the process is stopped, its socket open, the PING never answered.
    redis.freeze();
    const hung = await health();
    expect(hung).toMatchObject({ status: 503, body: { status: 'unavailable', redis: 'timeout' } });
    expect(hung.ms).toBeLessThan(1000);
    redis.thaw();
    await eventually(async () => ((await health()).status === 200 ? true : undefined));

    // Gone: nothing listens on the port any more.
    await redis.crash();
    for (let i = 0; i < 3; i++) {
      const down = await health();
      expect(down.status).toBe(503);
      expect(down.body.status).toBe('unavailable');
      expect(down.ms).toBeLessThan(1000);
    }

    // Back on the same port: the health connection finds it again, and cleanup can run.
    await redis.start();
    await eventually(async () => ((await health()).status === 200 ? true : undefined), 5000);
  });
});

describe('GET /metrics', () => {
  it('queue depth, deliveries by state, send latency and job counters, in Prometheus text', async () => {
    const t = await testPipeline();
    const metrics = createMetrics(t.ctx);
    t.deps.observeSend = metrics.observeSend;
    const app = await buildApp({
      ctx: t.ctx,
      config: t.config,
      log: t.ctx.log,
      transport: t.deps.transport,
      metrics,
    });
    try {
      await t.addSubscribers(3);
      metrics.watchWorkers(t.startWorkers().workers);
      await t.writeArticle(
        'harbour.txt',
        sampleWire('The harbour reopened on Monday, after a week of storms.'),
      );
      const editionId = await t.publish();
      await waitForEdition(t.ctx, editionId, { timeoutMs: 15_000, intervalMs: 50 });

      await app.inject({ url: '/healthz' });
      const res = await app.inject({ url: '/metrics' });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
      const text = res.body;
      expect(text).toMatch(/^gazette_deliveries\{state="sent"\} 3$/m);
      expect(text).toMatch(/^gazette_deliveries\{state="failed"\} 0$/m);
      expect(text).toMatch(/^gazette_send_duration_seconds_count\{outcome="sent"\} 3$/m);
      expect(text).toMatch(/^gazette_queue_jobs\{queue="deliver",state="completed"\} 1$/m);
      expect(text).toMatch(/^gazette_queue_jobs\{queue="deliver",state="waiting"\} 0$/m);
      expect(text).toMatch(/^gazette_jobs_total\{queue="deliver",outcome="completed"\} 1$/m);
      expect(text).toMatch(/^gazette_jobs_total\{queue="edition",outcome="completed"\} 1$/m);
      expect(text).toMatch(
        /^gazette_http_request_duration_seconds_count\{method="GET",route="\/healthz",status="200"\} \d+$/m,
      );
      expect(text).toContain('gazette_process_cpu_user_seconds_total');
      // Two apps in one process: each has its own registry.
      const other = createMetrics(t.ctx);
      expect(await other.registry.getSingleMetricAsString('gazette_jobs_total')).not.toMatch(
        /completed/,
      );
    } finally {
      await app.close();
      await t.cleanup();
    }
  });
});

import type { FastifyInstance } from 'fastify';
import type { Metrics } from '../metrics.js';
import { withTimeout } from './timeout.js';

/** GET /metrics (Prometheus text). A scrape that cannot read Redis in time gets a 503. */
export async function metricsRoutes(
  app: FastifyInstance,
  deps: { metrics: Metrics; timeoutMs?: number },
): Promise<void> {
  const { registry } = deps.metrics;
  app.get('/metrics', async (req, reply) => {
    try {
      const text = await withTimeout(registry.metrics(), deps.timeoutMs ?? 5000, 'metrics scrape');
      return reply
        .header('content-type', registry.contentType)
        .header('cache-control', 'no-store')
        .send(text);
    } catch (err) {
      req.log.warn({ err: (err as Error).message }, 'metrics scrape failed');
      return reply.code(503).header('cache-control', 'no-store').send('# metrics unavailable\n');
    }
  });
}

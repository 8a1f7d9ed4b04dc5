import type { FastifyInstance } from 'fastify';
import type { Metrics } from '../../jobs/metrics.js';
import { createTokenCheck } from '../auth.js';
import { withTimeout } from '../../runtime/timeout.js';

/**
 * GET /metrics (Prometheus text). A scrape that cannot read Redis in time gets a 503. With a
 * token (METRICS_TOKEN) it answers only `Authorization: Bearer <token>` (or Basic with the token
 * as the password): the counts tell a stranger how large the list is and how sending goes.
 */
export async function metricsRoutes(
  app: FastifyInstance,
  deps: { metrics: Metrics; timeoutMs?: number; token?: string },
): Promise<void> {
  const { registry } = deps.metrics;
  const authorized = deps.token ? createTokenCheck(deps.token) : () => true;
  app.get('/metrics', async (req, reply) => {
    if (!authorized(req.headers.authorization)) {
      return reply
        .code(401)
        .header('www-authenticate', 'Bearer realm="gazette-metrics"')
        .header('cache-control', 'no-store')
        .send({ error: 'unauthorized', message: 'Authorization: Bearer METRICS_TOKEN required' });
    }
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

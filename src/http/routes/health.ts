import type { FastifyInstance } from 'fastify';
import { createRedis, type Redis, type RedisTarget } from '../../runtime/redis.js';
import { TimeoutError, withTimeout } from '../../runtime/timeout.js';

export interface HealthCheck {
  check(): Promise<{ ok: boolean; redis: string; latencyMs?: number }>;
  close(): void;
}

/**
 * Its own Redis connection, made to fail fast: no offline queue (a command while disconnected
 * fails at once instead of waiting for a reconnect), a command timeout, and a race on top, so
 * that /healthz answers within `timeoutMs` whether Redis is down, unreachable or hung.
 */
export function createHealthCheck(target: RedisTarget | string, timeoutMs = 500): HealthCheck {
  const client: Redis = createRedis(target, {
    connectionName: 'gazette-health',
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    // Past our own deadline (withTimeout, a TimeoutError), so that a hung Redis reads as one.
    commandTimeout: timeoutMs * 2,
    connectTimeout: timeoutMs * 2,
    retryStrategy: (attempt) => Math.min(attempt * 100, 1000),
  });
  // Reported by /healthz; an unhandled 'error' event would only add noise to the logs.
  client.on('error', () => {});

  const ready = (budget: number) =>
    client.status === 'ready'
      ? Promise.resolve()
      : withTimeout(
          new Promise<void>((resolve) => client.once('ready', () => resolve())),
          budget,
          'redis connect',
        );

  return {
    async check() {
      const started = performance.now();
      // Just started: give the first connection the budget. Reconnecting: Redis is down, say so.
      if (client.status === 'reconnecting' || client.status === 'end' || client.status === 'close')
        return { ok: false, redis: 'unreachable' };
      try {
        await ready(timeoutMs);
        await withTimeout(
          client.ping(),
          Math.max(1, timeoutMs - (performance.now() - started)),
          'ping',
        );
        return {
          ok: true,
          redis: 'ok',
          latencyMs: Math.round((performance.now() - started) * 10) / 10,
        };
      } catch (err) {
        return {
          ok: false,
          redis: err instanceof TimeoutError ? 'timeout' : 'unreachable',
        };
      }
    },
    close() {
      client.disconnect();
    },
  };
}

/** GET /healthz: 200 when Redis answers a PING in time, else 503; never cached. */
export async function healthRoutes(
  app: FastifyInstance,
  deps: { health: HealthCheck },
): Promise<void> {
  app.get('/healthz', async (_req, reply) => {
    const r = await deps.health.check();
    return reply
      .code(r.ok ? 200 : 503)
      .header('cache-control', 'no-store')
      .send({
        status: r.ok ? 'ok' : 'unavailable',
        redis: r.redis,
        ...(r.latencyMs === undefined ? {} : { latencyMs: r.latencyMs }),
      });
  });
}

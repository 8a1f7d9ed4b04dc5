import type { FastifyInstance } from 'fastify';
import type { Config } from '../../runtime/config.js';
import { createContext } from '../../operations/context.js';
import { buildApp } from '../../http/app.js';
import { withTimeout } from '../../runtime/timeout.js';
import { createMetrics } from '../../jobs/metrics.js';
import { createJobDeps, createTransport } from '../../jobs/deps.js';
import { syncDigestScheduler } from '../../jobs/scheduler.js';
import { untilSignal } from '../../runtime/shutdown.js';
import { securityWarnings } from '../../runtime/warnings.js';
import { startWorkers, type RunningWorkers } from '../../jobs/workers.js';

/**
 * `gazette serve [--no-workers]`: the HTTP service, and every worker in the same process unless
 * told otherwise. On SIGTERM/SIGINT, in order and each within SHUTDOWN_TIMEOUT_MS: stop
 * accepting and let requests in flight finish, let jobs in flight finish and close the workers,
 * then the transport, the queues and Redis.
 */
export async function serveCommand(config: Config, opts: { workers: boolean }): Promise<void> {
  const ctx = await createContext(config);
  const { log } = ctx;
  for (const warning of securityWarnings(config, 'http')) log.warn(warning);
  const transport = createTransport(config);
  const metrics = createMetrics(ctx);
  const deps = { ...createJobDeps(ctx, { transport }), observeSend: metrics.observeSend };
  let workers: RunningWorkers | undefined;
  let app: FastifyInstance | undefined;

  const stop = async () => {
    const bound = config.shutdownTimeoutMs;
    if (app) {
      const closing = app;
      await withTimeout(closing.close(), bound, 'closing the HTTP server').catch((err: unknown) => {
        log.warn(
          { err: (err as Error).message },
          'requests still open at the deadline; dropping them',
        );
        closing.server.closeAllConnections();
      });
    }
    await workers?.close(bound);
    await transport.close();
    await withTimeout(ctx.close(), bound, 'closing queues and Redis').catch(() =>
      ctx.redis.disconnect(),
    );
    log.info('stopped');
  };
  // Listen for signals first: one right after "listening" must find its handler.
  const stopped = untilSignal(log, stop);

  try {
    if (opts.workers) {
      workers = startWorkers(deps, {
        connection: ctx.redis,
        prefix: config.prefix,
        ...config.worker,
      });
      metrics.watchWorkers(workers.workers);
      await syncDigestScheduler(ctx.queues, config);
    }
    app = await buildApp({ ctx, config, log, transport, metrics });
    const address = await app.listen({ host: config.host, port: config.port });
    log.info(
      {
        address,
        site: config.siteUrl,
        workers: opts.workers ? 'in this process' : 'off',
        admin: config.adminToken ? '/admin' : 'off (no ADMIN_TOKEN)',
        transport: transport.kind,
      },
      'listening',
    );
  } catch (err) {
    await stop();
    throw err;
  }
  await stopped;
}

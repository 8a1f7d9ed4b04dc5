import type { Config } from '../../runtime/config.js';
import { createContext } from '../../operations/context.js';
import { createJobDeps } from '../../jobs/deps.js';
import { syncDigestScheduler } from '../../jobs/scheduler.js';
import { untilSignal } from '../../runtime/shutdown.js';
import { startWorkers } from '../../jobs/workers.js';

/** `gazette worker`: every queue's worker until SIGTERM/SIGINT, then a bounded graceful close. */
export async function workerCommand(config: Config, opts: { concurrency?: number }): Promise<void> {
  const ctx = await createContext(config);
  const deps = createJobDeps(ctx);
  const workers = startWorkers(deps, {
    connection: ctx.redis,
    prefix: config.prefix,
    concurrency: opts.concurrency,
    ...config.worker,
  });
  // Listen before saying we run: a signal right after the line must find its handler.
  const stopped = untilSignal(ctx.log, async () => {
    await workers.close(config.shutdownTimeoutMs);
    await deps.transport.close();
    await ctx.close();
    ctx.log.info('workers closed');
  });
  const scheduler = await syncDigestScheduler(ctx.queues, config);
  ctx.log.info(
    {
      prefix: config.prefix,
      transport: deps.transport.kind,
      concurrency: opts.concurrency ?? config.concurrency,
      digest: scheduler === 'upserted' ? config.digest : 'off',
    },
    'workers running',
  );
  await stopped;
}

import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { errorMessage } from '../runtime/errors.js';
import { registry, type JobDeps } from './registry.js';
import { redactAddresses } from '../runtime/log.js';
import type { JobDefinition } from './types.js';
import { QUEUE_NAMES, type QueueName } from './queues.js';
import type { Redis } from '../runtime/redis.js';
import { queuePrefix } from '../stores/keys.js';

export interface WorkerOptions {
  connection: Redis;
  prefix: string;
  queues?: readonly QueueName[];
  /** Overrides the deliver queue's concurrency (`gazette worker --concurrency N`). */
  concurrency?: number;
  /** Short in tests, so that a killed worker's job is taken over quickly. */
  lockDuration?: number;
  stalledInterval?: number;
}

export interface RunningWorkers {
  workers: Worker[];
  /** Lets in-flight jobs finish for up to `timeoutMs`, then stops waiting for them. */
  close(timeoutMs?: number): Promise<void>;
}

/** One BullMQ worker per queue; each validates its payload before the processor sees it. */
export function startWorkers(deps: JobDeps, opts: WorkerOptions): RunningWorkers {
  const workers = (opts.queues ?? QUEUE_NAMES).map((name) =>
    startWorker(name, registry[name] as JobDefinition<unknown>, deps, opts),
  );
  return {
    workers,
    async close(timeoutMs = 30_000) {
      let timer: NodeJS.Timeout | undefined;
      const graceful = Promise.all(workers.map((w) => w.close())).then(() => true);
      const expired = new Promise<false>(
        (resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)),
      );
      const done = await Promise.race([graceful, expired]);
      clearTimeout(timer);
      // Past the deadline, stop waiting. Not `close(true)`: BullMQ hands a second close the first
      // one's promise, which waits for the jobs. A job left running is taken over once its lock
      // expires, and that run marks what this one had in flight uncertain.
      if (!done)
        deps.log.warn({ timeoutMs }, 'jobs still running at the shutdown deadline; leaving them');
    },
  };
}

function startWorker(
  name: QueueName,
  def: JobDefinition<unknown>,
  deps: JobDeps,
  opts: WorkerOptions,
): Worker {
  const log = deps.log.child({ queue: name });
  const concurrency =
    name === 'deliver' && opts.concurrency ? opts.concurrency : def.concurrency(deps.config);
  const control = { rateLimit: (ms: number) => worker.rateLimit(ms) };
  const processor = def.create(deps);

  const worker: Worker = new Worker(
    name,
    async (job: Job) => {
      const parsed = def.schema.safeParse(job.data);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new UnrecoverableError(
          `invalid ${name} payload: ${issue?.path.join('.') || 'data'} ${issue?.message ?? ''}`.trim(),
        );
      }
      return processor(Object.assign(job, { data: parsed.data }), control);
    },
    {
      connection: opts.connection,
      prefix: queuePrefix(opts.prefix, { cluster: opts.connection.isCluster }),
      concurrency,
      lockDuration: opts.lockDuration ?? 30_000,
      stalledInterval: opts.stalledInterval ?? 30_000,
      // BullMQ fails a job that stalled too often in a script: no 'failed' event, so no
      // onFinalFailure, and whatever it had left to do stays where it was.
      maxStalledCount: def.maxStalledCount ?? 3,
    },
  );
  worker.on('failed', (job, err) => {
    if (!job) return;
    // An SMTP reply or a record's error can name a subscriber: logs keep only the domain.
    log.warn(
      { jobId: job.id, attempt: job.attemptsMade, err: redactAddresses(err.message) },
      'job failed',
    );
    if (!def.onFinalFailure) return;
    // 'failed' fires for every attempt; only a job that is now in the failed set is done for good.
    void job
      .getState()
      .then((state) => (state === 'failed' ? def.onFinalFailure?.(deps, job, err) : undefined))
      .catch((e: unknown) =>
        log.error({ jobId: job.id, err: errorMessage(e) }, 'final-failure handler failed'),
      );
  });
  worker.on('error', (err) => log.error({ err: err.message }, 'worker error'));
  return worker;
}

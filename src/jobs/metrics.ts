import type { Worker } from 'bullmq';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { QUEUE_NAMES, type Queues } from './queues.js';
import { DELIVERY_STATES, type DeliveryStore } from '../stores/deliveries.js';
import type { EditionStore } from '../stores/editions.js';
import type { SuppressionStore } from '../stores/suppressions.js';

/** How many of the newest editions the delivery gauge sums over. */
const METRICS_RECENT_EDITIONS = 10;

const JOB_STATES = ['waiting', 'prioritized', 'active', 'delayed', 'completed', 'failed'] as const;

export interface Metrics {
  readonly registry: Registry;
  /** JobDeps.observeSend: one SMTP (or outbox) send, its duration and how it ended. */
  observeSend(seconds: number, outcome: string): void;
  /** Counts the jobs the given in-process workers finish. */
  watchWorkers(workers: readonly Worker[]): void;
  readonly feedBuilds: Counter;
  readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
}

/**
 * One registry per app (never prom-client's global one, so tests can build several). Queue and
 * delivery figures are read from Redis at scrape time and so are the same from every replica;
 * send latency and job counters are this process's own (its in-process workers).
 */
export function createMetrics(deps: {
  queues: Queues;
  editions: EditionStore;
  deliveries: DeliveryStore;
  suppressions: SuppressionStore;
  defaultMetrics?: boolean;
}): Metrics {
  const registry = new Registry();
  if (deps.defaultMetrics ?? true)
    collectDefaultMetrics({ register: registry, prefix: 'gazette_' });
  const registers = [registry];

  new Gauge({
    name: 'gazette_queue_jobs',
    help: 'Jobs per queue and state, read from Redis at scrape time (completed and failed are the jobs still kept, not totals)',
    labelNames: ['queue', 'state'] as const,
    registers,
    async collect() {
      const counts = await Promise.all(
        QUEUE_NAMES.map((q) => deps.queues[q].getJobCounts(...JOB_STATES)),
      );
      QUEUE_NAMES.forEach((queue, i) => {
        for (const state of JOB_STATES) this.set({ queue, state }, counts[i]?.[state] ?? 0);
      });
    },
  });

  new Gauge({
    name: 'gazette_deliveries',
    help: `Delivery records by state, summed over the ${METRICS_RECENT_EDITIONS} newest editions`,
    labelNames: ['state'] as const,
    registers,
    async collect() {
      const ids = await deps.editions.listIds(METRICS_RECENT_EDITIONS);
      const all = await Promise.all(ids.map((id) => deps.deliveries.counts(id)));
      for (const state of DELIVERY_STATES) {
        this.set(
          { state },
          all.reduce((n, c) => n + c[state], 0),
        );
      }
    },
  });

  // Bounces and complaints arrive in other processes (`gazette inbound`, the workers, the
  // webhooks): each is counted in Redis where it is recorded, and read here at scrape time.
  new Counter({
    name: 'gazette_bounces_total',
    help: 'Bounces recorded, by kind (hard, soft) and source (smtp: a 5xx in the session; dsn; a webhook provider), read from Redis',
    labelNames: ['kind', 'source'] as const,
    registers,
    async collect() {
      const { bounces } = await deps.suppressions.events();
      this.reset();
      for (const b of bounces) this.inc({ kind: b.kind, source: b.source }, b.count);
    },
  });
  new Counter({
    name: 'gazette_complaints_total',
    help: 'Spam complaints recorded, by source (arf; a webhook provider), read from Redis',
    labelNames: ['source'] as const,
    registers,
    async collect() {
      const { complaints } = await deps.suppressions.events();
      this.reset();
      for (const c of complaints) this.inc({ source: c.source }, c.count);
    },
  });

  const jobs = new Counter({
    name: 'gazette_jobs_total',
    help: 'Jobs finished by the workers of this process, per queue and outcome (failed counts every failed attempt)',
    labelNames: ['queue', 'outcome'] as const,
    registers,
  });
  const sendLatency = new Histogram({
    name: 'gazette_send_duration_seconds',
    help: 'Time from handing one message to the transport until its answer, per outcome',
    labelNames: ['outcome'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers,
  });
  const feedBuilds = new Counter({
    name: 'gazette_feed_builds_total',
    help: 'Times the RSS feed was rebuilt (only when the articles changed)',
    registers,
  });
  const httpDuration = new Histogram({
    name: 'gazette_http_request_duration_seconds',
    help: 'HTTP requests by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers,
  });

  return {
    registry,
    feedBuilds,
    httpDuration,
    observeSend: (seconds, outcome) => sendLatency.observe({ outcome }, seconds),
    watchWorkers(workers) {
      for (const w of workers) {
        w.on('completed', () => jobs.inc({ queue: w.name, outcome: 'completed' }));
        w.on('failed', () => jobs.inc({ queue: w.name, outcome: 'failed' }));
      }
    },
  };
}

import { messageIdFor } from '../../../src/domain/mail/ids.js';
import { QUEUE_NAMES } from '../../../src/jobs/queues.js';
import type { DeliveryState } from '../../../src/stores/deliveries.js';
import { prepareSubscriber } from '../../../src/stores/subscribers/index.js';
import { spawnGazette, type Child } from '../../helpers/children.js';
import { sampleWire, testPipeline, type TestPipeline } from '../../helpers/pipeline.js';
import {
  freePort,
  startOwnRedis,
  startOwnCluster,
  startSentinelSet,
  type OwnCluster,
  type OwnRedis,
  type SentinelSet,
} from '../../helpers/redis-server.js';
import { extraCopies, startSink, type Sink } from './sink.js';
import type { SinkBehaviour } from './sink-protocol.js';

const DOMAIN = 'news.example';

export interface BedOptions {
  recipients: number;
  sink?: SinkBehaviour;
  /** Leave the SMTP server down: the test starts it on `smtpPort` later. */
  sinkDown?: boolean;
  /** More redis-server arguments (AOF, maxmemory). */
  redisArgs?: string[];
  /** A Sentinel set (primary, replica, three sentinels) instead of one redis-server. */
  sentinel?: boolean;
  /** A 3-primary Redis Cluster, each primary with a replica, instead of one redis-server. */
  cluster?: boolean;
  /** More environment for the workers and the test's own context. */
  env?: Record<string, string>;
}

interface Audit {
  counts: Record<DeliveryState, number> & { total: number };
  /** Records in no allowed state, plus `sent` records whose copy the server never took. */
  lost: number;
  doubled: number;
  uncertain: number;
  /** Copies at the server for records that say bounced, failed or queued. */
  unrecorded: number;
}

/**
 * One fault's world: its own redis-server, an SMTP sink child, subscribers, one article, and
 * `gazette worker` children pointed at both. The test process runs only the article queue, so
 * the edition, fan-out and delivery all happen in the children that the faults hit.
 */
export interface Bed {
  /** The redis-server, the Sentinel set's first primary, or the Cluster's first node. */
  redis: OwnRedis;
  sentinels: SentinelSet | undefined;
  cluster: OwnCluster | undefined;
  sink: Sink | undefined;
  smtpPort: number;
  t: TestPipeline;
  ids: string[];
  env: Record<string, string>;
  workers: Child[];
  spawnWorker(env?: Record<string, string>, args?: string[]): Child;
  startSink(behaviour?: SinkBehaviour): Promise<Sink>;
  /** Ingests an article, makes an edition of it and queues its delivery now. */
  send(): Promise<string>;
  messageId(editionId: string, subscriberId: string): string;
  audit(editionId: string, allowed?: DeliveryState[]): Promise<Audit>;
  cleanup(): Promise<void>;
}

export async function openBed(opts: BedOptions): Promise<Bed> {
  const sentinels = opts.sentinel ? await startSentinelSet() : undefined;
  const cluster = opts.cluster ? await startOwnCluster({ replicasEach: 1 }) : undefined;
  const redis = sentinels?.primary ?? cluster?.nodes[0] ?? (await startOwnRedis(opts.redisArgs));
  const where: Record<string, string> = sentinels?.env ?? cluster?.env ?? { REDIS_URL: redis.url };
  let sink = opts.sinkDown ? undefined : await startSink(opts.sink);
  const smtpPort = sink?.port ?? (await freePort());
  const t = await testPipeline({
    ...where,
    SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
    ...opts.env,
  });
  const env: Record<string, string> = {
    ...where,
    GAZETTE_PREFIX: t.config.prefix,
    SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
    SECRET: t.config.secret,
    SITE_URL: t.config.siteUrl,
    MAIL_FROM: t.config.mailFrom,
    WORKER_LOCK_MS: '1000',
    WORKER_STALLED_MS: '500',
    SMTP_TIMEOUT_MS: '2000',
    SMTP_THROTTLE_MS: '200',
    LOG_LEVEL: 'info',
    ...opts.env,
  };

  // Faults make these connections fail on purpose; the records say what happened, not the logs.
  for (const name of QUEUE_NAMES) t.ctx.queues[name].on('error', () => {});

  for (let i = 0; i < opts.recipients; i += 500) {
    const rows = [];
    for (let k = i; k < Math.min(opts.recipients, i + 500); k++)
      rows.push(prepareSubscriber({ email: `r${k}@example.org`, status: 'active' }));
    await t.ctx.subscribers.addMany(rows);
  }
  const ids: string[] = [];
  for await (const batch of t.ctx.subscribers.scanActive(1000)) ids.push(...batch.map((s) => s.id));

  const workers: Child[] = [];
  const bed: Bed = {
    redis,
    sentinels,
    cluster,
    get sink() {
      return sink;
    },
    smtpPort,
    t,
    ids,
    env,
    workers,
    spawnWorker(more = {}, args = []) {
      const c = spawnGazette(['worker', ...args], { ...env, ...more });
      workers.push(c);
      return c;
    },
    async startSink(behaviour = {}) {
      sink = await startSink(behaviour, smtpPort);
      return sink;
    },
    async send() {
      await t.writeArticle(
        'harbour.txt',
        sampleWire('The harbour reopened on Monday, after a week of storms.'),
      );
      return t.publish();
    },
    messageId: (editionId, id) => messageIdFor(editionId, id, DOMAIN),
    async audit(editionId, allowed = ['sent', 'uncertain']) {
      // The sink reports each message over IPC just before its 250: let the last reports land.
      await new Promise((r) => setTimeout(r, 100));
      const counts = await t.ctx.deliveries.counts(editionId);
      const records = await t.ctx.deliveries.getMany(editionId, ids);
      const atServer = new Set(sink?.accepted ?? []);
      let lost = 0;
      let unrecorded = 0;
      for (const [i, rec] of records.entries()) {
        const copy = atServer.has(bed.messageId(editionId, ids[i]!));
        if (!rec || !allowed.includes(rec.state) || (rec.state === 'sent' && !copy)) lost++;
        if (rec && copy && rec.state !== 'sent' && rec.state !== 'uncertain') unrecorded++;
      }
      return {
        counts,
        lost,
        doubled: extraCopies(sink?.accepted ?? []),
        uncertain: counts.uncertain,
        unrecorded,
      };
    },
    async cleanup() {
      for (const w of workers) if (w.proc.exitCode === null) w.proc.kill('SIGKILL');
      await Promise.all(workers.map((w) => w.exited));
      redis.thaw();
      await t.cleanup().catch(() => {});
      await sink?.close();
      await (sentinels ?? cluster ?? redis).cleanup();
    },
  };
  return bed;
}

/** A small seeded generator (mulberry32): the same seed gives the same kill moments. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type Config } from '../../src/runtime/config.js';
import { createContext, type Context } from '../../src/operations/context.js';
import { createLogger } from '../../src/runtime/log.js';
import { createJobDeps } from '../../src/jobs/deps.js';
import { sendEdition } from '../../src/operations/send.js';
import { expandPaths, ingestFiles } from '../../src/operations/ingest.js';
import type { JobDeps } from '../../src/jobs/registry.js';
import { QUEUE_NAMES } from '../../src/jobs/queues.js';
import { startWorkers, type RunningWorkers, type WorkerOptions } from '../../src/jobs/workers.js';
import { deletePrefix, REDIS_URL, uniquePrefix } from './redis.js';

export const TEST_SECRET = 'test-secret-that-is-long-enough-for-hmac';

export interface TestPipeline {
  config: Config;
  ctx: Context;
  deps: JobDeps;
  dir: string;
  workers?: RunningWorkers;
  startWorkers(opts?: Partial<WorkerOptions>): RunningWorkers;
  writeArticle(name: string, text: string): Promise<string>;
  addSubscribers(
    n: number,
    opts?: { tz?: (i: number) => string | null; domain?: string },
  ): Promise<string[]>;
  /** Ingests CONTENT_DIR and waits until an article worker has processed every file. */
  ingest(): Promise<void>;
  /** Makes an edition of what is new and schedules it now; its id. An article worker must run. */
  send(): Promise<string>;
  /** `ingest()` then `send()`. */
  publish(): Promise<string>;
  cleanup(): Promise<void>;
}

/** A context on a fresh prefix, a temp content dir, and (on demand) the workers: what most pipeline tests need. */
export async function testPipeline(
  env: Record<string, string> = {},
  overrides: Parameters<typeof createJobDeps>[1] = {},
): Promise<TestPipeline> {
  const dir = await mkdtemp(join(tmpdir(), 'gazette-pipeline-'));
  const config = loadConfig({
    // A Sentinel set or a Cluster is named instead of a URL, never together with one.
    ...(env.REDIS_SENTINELS || env.REDIS_CLUSTER_NODES ? {} : { REDIS_URL }),
    GAZETTE_PREFIX: uniquePrefix('p'),
    SECRET: TEST_SECRET,
    SITE_URL: 'https://news.example',
    MAIL_FROM: 'Gazette <digest@news.example>',
    OUTBOX_DIR: join(dir, 'outbox'),
    CONTENT_DIR: join(dir, 'content'),
    LOG_LEVEL: 'silent',
    ...env,
  });
  const ctx = await createContext(config, createLogger({ level: 'silent', pretty: false }));
  const deps = createJobDeps(ctx, overrides);
  const t: TestPipeline = {
    config,
    ctx,
    deps,
    dir,
    startWorkers(opts = {}) {
      t.workers = startWorkers(deps, { connection: ctx.redis, prefix: config.prefix, ...opts });
      return t.workers;
    },
    async writeArticle(name, text) {
      const path = join(config.contentDir, name);
      await import('node:fs/promises').then((fs) =>
        fs.mkdir(config.contentDir, { recursive: true }),
      );
      await writeFile(path, text);
      return path;
    },
    async addSubscribers(n, opts = {}) {
      const ids: string[] = [];
      for (let i = 0; i < n; i++) {
        const { subscriber } = await ctx.subscribers.add({
          email: `reader${i}@${opts.domain ?? 'example.org'}`,
          name: `Reader ${i}`,
          tz: opts.tz?.(i) ?? null,
          status: 'active',
        });
        ids.push(subscriber.id);
      }
      return ids;
    },
    async ingest() {
      await ingestFiles(await expandPaths([config.contentDir]), {
        store: ctx.articles,
        editions: ctx.editions,
        siteUrl: config.siteUrl,
      });
    },
    async send() {
      const sent = await sendEdition(ctx, { schedule: { mode: 'now' } });
      if (sent.outcome !== 'queued') throw new Error('no edition: nothing new to send');
      return sent.editionId;
    },
    async publish() {
      await t.ingest();
      return t.send();
    },
    async cleanup() {
      await t.workers?.close(5_000);
      await deps.transport.close();
      for (const name of QUEUE_NAMES)
        await ctx.queues[name].obliterate({ force: true }).catch(() => {});
      await deletePrefix(ctx.redis, config.prefix);
      await ctx.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
  return t;
}

export const sampleWire = (lead: string, extra = 'A second paragraph follows the lead.') =>
  `Story highlights\n\nA short highlight\n\n(CNN) -- ${lead}\n\n${extra}\n`;

/**
 * The million-subscriber run (issue 17): on a redis-server of its own and Postfix's smtp-sink,
 * `gazette subscribers import` of a generated CSV, one edition sent by 2 `gazette worker`
 * processes, `gazette status`, and `gazette resend --failed` for the share that failed; the same
 * at a small size first, to compare. Reports Redis `used_memory` after each phase (and its peak),
 * the bytes a subscriber and a delivery record take, the workers' peak RSS (VmHWM), the wall time
 * of each phase and the send rate.
 *
 *   npx tsx bench/million.ts                                   1,000,000, compared with 10,000
 *   npx tsx bench/million.ts --subscribers 250000 --compare 10000
 *   npm run bench -- --only million --subscribers 1000000      the same, through the bench runner
 *
 * Some must fail for the resend to have work: `--fail-share` of the addresses (0.1 %) are on
 * the suppression list when the edition goes out (their records end `failed`), and are taken off
 * it before the resend, as an operator would after clearing them. smtp-sink accepts every
 * recipient alike, so it cannot refuse a few by itself.
 */
import { writeFileSync, mkdtempSync, rmSync, createWriteStream } from 'node:fs';
import { tmpdir, loadavg, cpus } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { createContext, type Context } from '../src/operations/context.js';
import { ingestFiles } from '../src/operations/ingest.js';
import { waitForEdition, type EditionProgress } from '../src/operations/progress.js';
import { sendEdition } from '../src/operations/send.js';
import { createLogger } from '../src/runtime/log.js';
import { createKeys } from '../src/stores/keys.js';
import { buildCompiledTree } from './build.js';
import { BENCH_ENV, benchArticleFiles, benchConfig } from './edition.js';
import { peakRss, rss, spawnChild, type Child } from './proc.js';
import { startSink, type Sink } from './sink.js';

export interface MillionOptions {
  subscribers: number;
  workers: number;
  /** The ports this run may use: Redis on the first, smtp-sink on the next. */
  port: number;
  failShare: number;
  workerNodeOptions?: string;
  gazetteBin: string;
  log(line: string): void;
}

export interface MillionResult {
  subscribers: number;
  workers: number;
  failed: number;
  seconds: {
    csv: number;
    import: number;
    /** From `send` until every record was created (the fan-out). */
    fanout: number;
    /** From `send` until the last record left `queued`/`sending`. */
    send: number;
    status: number;
    resend: number;
  };
  sendRate: number;
  final: EditionProgress;
  memory: {
    empty: number;
    afterImport: number;
    /** Highest used_memory seen while the edition went out (sampled every 2 s). */
    duringSend: number;
    afterSend: number;
    afterResend: number;
    /** INFO used_memory_peak: the server's own high-water mark over the whole run. */
    peak: number;
    perSubscriber: number;
    perRecord: number;
    /** MEMORY USAGE of this run's keys, by kind, per subscriber or record. */
    keys: Record<string, number>;
  };
  workerPeakRss: number;
  /** The largest worker's RSS in MB every 10 s of the send. */
  rssTrace: number[];
}

export async function millionRun(opts: MillionOptions): Promise<MillionResult> {
  const n = opts.subscribers;
  const dir = mkdtempSync(join(tmpdir(), 'gazette-million-'));
  const redis = await startRedis(opts.port, dir);
  let sink: Sink | undefined;
  let ctx: Context | undefined;
  const workers: Child[] = [];
  try {
    sink = await startSink('postfix', opts.port + 1);
    const env = {
      ...BENCH_ENV,
      REDIS_URL: `redis://127.0.0.1:${opts.port}`,
      GAZETTE_PREFIX: 'gzm',
      SMTP_URL: sink.url,
      LOG_LEVEL: 'warn',
    };
    const config = benchConfig(env);
    ctx = await createContext(config, createLogger({ level: 'silent', pretty: false }));
    const keys = createKeys(config.prefix);
    const used = async (field = 'used_memory') =>
      Number(new RegExp(`^${field}:(\\d+)`, 'm').exec(await ctx!.redis.info('memory'))![1]);
    const empty = await used();
    const timed = async <T>(label: string, fn: () => Promise<T>): Promise<[T, number]> => {
      const t0 = performance.now();
      const r = await fn();
      const s = (performance.now() - t0) / 1000;
      opts.log(`  ${label}: ${s.toFixed(1)} s`);
      return [r, s];
    };
    const gazette = (args: string[]) =>
      runGazette(opts.gazetteBin, args, { ...env, LOG_LEVEL: 'warn' });

    const csv = join(dir, 'subscribers.csv');
    const [, csvSeconds] = await timed(`csv of ${n}`, () => writeCsv(csv, n));
    const [, importSeconds] = await timed('gazette subscribers import', () =>
      gazette(['subscribers', 'import', csv]),
    );
    const afterImport = await used();
    opts.log(`  Redis used_memory after the import: ${mb(afterImport)}`);
    const subscriberKeys = await sampleKeys(ctx, keys, n);

    // The share that will fail: suppressed now, cleared before the resend.
    const step = Math.max(1, Math.round(1 / opts.failShare));
    const failing: string[] = [];
    for (let k = 0; k < n; k += step) failing.push(address(k));
    for (const email of failing)
      await ctx.suppressions.add(email, 'hard-bounce', 'operator', { detail: 'bench' });

    const nodeOptions = opts.workerNodeOptions ? { NODE_OPTIONS: opts.workerNodeOptions } : {};
    for (let i = 0; i < opts.workers; i++)
      workers.push(
        spawnChild(process.execPath, [opts.gazetteBin, 'worker'], {
          ...env,
          ...nodeOptions,
          LOG_LEVEL: 'info',
        }),
      );
    await Promise.all(workers.map((w) => w.waitFor('workers running', 60_000)));
    await ingestFiles(benchArticleFiles(), {
      store: ctx.articles,
      editions: ctx.editions,
      siteUrl: config.siteUrl,
    });

    let duringSend = 0;
    const rssTrace: number[] = [];
    let tick = 0;
    const sampler = setInterval(() => {
      void used().then((m) => (duringSend = Math.max(duringSend, m)));
      if (tick++ % 5 === 0)
        rssTrace.push(Math.round(Math.max(...workers.map((w) => rss(w.pid) ?? 0)) / 2 ** 20));
    }, 2000);
    const t0 = performance.now();
    let fanoutSeconds = 0;
    let lastLog = 0;
    const sent = await sendEdition(ctx, { schedule: { mode: 'now' } });
    if (sent.outcome !== 'queued') throw new Error('the bench articles made no edition');
    const { editionId } = sent;
    const onProgress = (p: EditionProgress) => {
      const s = (performance.now() - t0) / 1000;
      if (!fanoutSeconds && p.total >= n) fanoutSeconds = s;
      if (s - lastLog >= 30) {
        lastLog = s;
        // Enough to extrapolate from should the run be stopped before its end.
        const worker = Math.max(...workers.map((w) => peakRss(w.pid) ?? 0));
        opts.log(
          `  ${s.toFixed(0)} s: queued ${p.queued} sending ${p.sending} sent ${p.sent} failed ${p.failed} (records ${p.total}); ${(p.sent / s).toFixed(0)} msg/s; Redis highest ${mb(duringSend)}, worker peak RSS ${mb(worker)}; load ${loadavg()[0]!.toFixed(1)}`,
        );
      }
    };
    const timeoutMs = Math.max(600_000, n * 20);
    const [afterSendProgress, sendSeconds] = await timed('edition sent', () =>
      waitForEdition(ctx!, editionId, { timeoutMs, intervalMs: 500, onProgress }),
    );
    clearInterval(sampler);
    const afterSend = await used();
    const recordKeys = await recordUsage(ctx, keys, editionId, n);

    const [statusOut, statusSeconds] = await timed('gazette status', () =>
      gazette(['status', editionId, '--json']),
    );
    const status = (JSON.parse(statusOut) as { editions: { deliveries: EditionProgress }[] })
      .editions[0]!.deliveries;
    if (status.failed !== afterSendProgress.failed)
      throw new Error(
        `status says ${status.failed} failed, the edition ${afterSendProgress.failed}`,
      );

    for (const email of failing) await ctx.suppressions.remove(email);
    const [final, resendSeconds] = await timed('gazette resend --failed, until sent', async () => {
      await gazette(['resend', editionId, '--failed', '--reason', 'bench: suppressions cleared']);
      return waitForEdition(ctx!, editionId, { timeoutMs, intervalMs: 250 });
    });
    const afterResend = await used();
    const peak = await used('used_memory_peak');
    const workerPeakRss = Math.max(...workers.map((w) => peakRss(w.pid) ?? 0));
    if (final.sent !== n) throw new Error(`${final.sent} of ${n} sent: ${JSON.stringify(final)}`);
    return {
      subscribers: n,
      workers: opts.workers,
      failed: afterSendProgress.failed,
      seconds: {
        csv: csvSeconds,
        import: importSeconds,
        fanout: fanoutSeconds,
        send: sendSeconds,
        status: statusSeconds,
        resend: resendSeconds,
      },
      sendRate: afterSendProgress.sent / sendSeconds,
      final,
      memory: {
        empty,
        afterImport,
        duringSend: Math.max(duringSend, afterSend),
        afterSend,
        afterResend,
        peak,
        perSubscriber: (afterImport - empty) / n,
        perRecord: (afterResend - afterImport) / n,
        keys: { ...subscriberKeys, ...recordKeys },
      },
      workerPeakRss,
      rssTrace,
    };
  } finally {
    await Promise.all(workers.map((w) => w.stop(30_000)));
    await ctx?.close();
    await sink?.close();
    await redis.stop(10_000);
    rmSync(dir, { recursive: true, force: true });
  }
}

const address = (k: number) => `reader${k}@example.org`;

/** `email,name`: every other reader with a name, as the fanout bench has them. */
async function writeCsv(file: string, n: number): Promise<void> {
  const out = createWriteStream(file);
  out.write('email,name\n');
  for (let k = 0; k < n; k++) {
    if (!out.write(`${address(k)},${k % 2 ? `Reader ${k}` : ''}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

async function startRedis(port: number, dir: string): Promise<Child> {
  // No persistence: the run measures memory, not the disk; nothing else uses this server.
  writeFileSync(join(dir, 'redis.conf'), '');
  const child = spawnChild('redis-server', [
    join(dir, 'redis.conf'),
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
    '--dir',
    dir,
  ]);
  await child.waitFor('Ready to accept connections', 10_000);
  return child;
}

/** A gazette command as a child, its stdout when it exits 0. */
async function runGazette(bin: string, args: string[], env: Record<string, string>) {
  const child = spawnChild(process.execPath, [bin, ...args], env);
  const code = await child.exited;
  if (code !== 0) throw new Error(`gazette ${args.join(' ')} exited ${code}: ${child.stderr()}`);
  return child.stdout();
}

/** MEMORY USAGE of every subscriber index, and of 200 subscriber hashes, per subscriber. */
async function sampleKeys(ctx: Context, keys: ReturnType<typeof createKeys>, n: number) {
  const usage = async (key: string) =>
    Number((await ctx.redis.memory('USAGE', key, 'SAMPLES', 1000)) ?? 0);
  const ids = await ctx.redis.zrange(keys.subscribersByCreated, 0, 199);
  let hashes = 0;
  for (const id of ids) hashes += await usage(keys.subscriber(id));
  return {
    'subscriber hash (each)': hashes / ids.length,
    'by-email hash, per subscriber': (await usage(keys.subscriberByEmail)) / n,
    'by-created zset, per subscriber': (await usage(keys.subscribersByCreated)) / n,
    'active set, per subscriber': (await usage(keys.subscribersActive)) / n,
    'zone "" set, per subscriber': (await usage(`${keys.subscribersInZone}`)) / n,
  };
}

async function recordUsage(
  ctx: Context,
  keys: ReturnType<typeof createKeys>,
  edition: string,
  n: number,
) {
  const usage = async (key: string) =>
    Number((await ctx.redis.memory('USAGE', key, 'SAMPLES', 1000)) ?? 0);
  return {
    'record hash, per record': (await usage(keys.delivery(edition))) / n,
    'failed set, per failed record':
      (await usage(keys.deliveryState(edition, 'failed'))) /
      Math.max(1, await ctx.redis.scard(keys.deliveryState(edition, 'failed'))),
    'summary hash (the edition)': await usage(keys.deliverySummary(edition)),
  };
}

const mb = (b: number) => `${(b / 2 ** 20).toFixed(0)} MB`;

/** The figures as a Markdown table, the sizes side by side. */
export function millionTable(runs: MillionResult[]): string {
  const row = (label: string, f: (r: MillionResult) => string) =>
    `| ${label} | ${runs.map(f).join(' | ')} |`;
  const keyNames = Object.keys(runs[0]!.memory.keys);
  return [
    `| | ${runs.map((r) => `${r.subscribers.toLocaleString('en')} subscribers`).join(' | ')} |`,
    `| --- | ${runs.map(() => '---:').join(' | ')} |`,
    row('import (`gazette subscribers import`)', (r) => `${r.seconds.import.toFixed(1)} s`),
    row('fan-out: every record created', (r) => `${r.seconds.fanout.toFixed(1)} s`),
    row('edition sent (from `send`)', (r) => `${r.seconds.send.toFixed(1)} s`),
    row('send rate', (r) => `${r.sendRate.toFixed(0)} msg/s`),
    row('failed (suppressed), then resent', (r) => `${r.failed}`),
    row('`gazette status`', (r) => `${r.seconds.status.toFixed(1)} s`),
    row('`gazette resend --failed`, until sent', (r) => `${r.seconds.resend.toFixed(1)} s`),
    row('Redis used_memory, empty', (r) => mb(r.memory.empty)),
    row('… after the import', (r) => mb(r.memory.afterImport)),
    row('… highest while sending', (r) => mb(r.memory.duringSend)),
    row('… after the send (records kept)', (r) => mb(r.memory.afterSend)),
    row('… after the resend', (r) => mb(r.memory.afterResend)),
    row('… used_memory_peak', (r) => mb(r.memory.peak)),
    row('bytes per subscriber (used_memory)', (r) => r.memory.perSubscriber.toFixed(0)),
    row('bytes per delivery record (used_memory)', (r) => r.memory.perRecord.toFixed(0)),
    ...keyNames.map((k) => row(`MEMORY USAGE: ${k}`, (r) => (r.memory.keys[k] ?? 0).toFixed(0))),
    row('worker peak RSS (VmHWM, largest of the workers)', (r) => mb(r.workerPeakRss)),
  ].join('\n');
}

export interface MillionMainOptions {
  subscribers: number;
  /** The smaller size run first, to compare with (0: none). */
  compare: number;
  workers: number;
  port: number;
  failShare: number;
  workerNodeOptions?: string;
  json: boolean;
}

/** Both sizes, one after the other, on a fresh redis-server each; the table (or JSON) on stdout. */
export async function millionMain(o: MillionMainOptions): Promise<MillionResult[]> {
  const log = (line: string) => console.error(line);
  const sizes = [o.compare, o.subscribers].filter((s) => s > 0);
  for (const s of sizes) if (!Number.isInteger(s)) throw new Error(`not a size: ${s}`);
  log(`cores ${cpus().length}, load ${loadavg()[0]!.toFixed(1)}; compiling with tsc …`);
  const tree = await buildCompiledTree();
  try {
    const runs: MillionResult[] = [];
    for (const subscribers of sizes) {
      log(`${subscribers} subscribers …`);
      const run = await millionRun({
        subscribers,
        workers: o.workers,
        port: o.port,
        failShare: o.failShare,
        ...(o.workerNodeOptions ? { workerNodeOptions: o.workerNodeOptions } : {}),
        gazetteBin: tree.bin,
        log,
      });
      runs.push(run);
      log(JSON.stringify(run));
    }
    console.log(o.json ? JSON.stringify(runs, null, 2) : millionTable(runs));
    return runs;
  } finally {
    tree.remove();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      subscribers: { type: 'string', default: '1000000' },
      compare: { type: 'string', default: '10000' },
      workers: { type: 'string', default: '2' },
      port: { type: 'string', default: '7410' },
      'fail-share': { type: 'string', default: '0.001' },
      'worker-node-options': { type: 'string', default: '--max-old-space-size=128' },
      json: { type: 'boolean', default: false },
    },
  });
  await millionMain({
    subscribers: Number(values.subscribers),
    compare: Number(values.compare),
    workers: Number(values.workers),
    port: Number(values.port),
    failShare: Number(values['fail-share']),
    workerNodeOptions: values['worker-node-options'],
    json: values.json,
  });
}

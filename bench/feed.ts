/**
 * The feed benchmark: requests/s for GET /feed.xml (200) and a conditional GET (304) from
 * `gazette serve --no-workers`, against a plain node:http server sending the same bytes from
 * memory. The load comes from autocannon (as asked) and from wrk when Debian's wrk is installed:
 * autocannon is JavaScript and can saturate its own core before the server does, so its CPU is
 * measured too, and wrk gives the figure when autocannon was the bottleneck.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createContext } from '../src/operations/context.js';
import { ingestFiles } from '../src/operations/ingest.js';
import { createLogger } from '../src/runtime/log.js';
import { QUEUE_NAMES } from '../src/jobs/queues.js';
import { BENCH_ENV, benchArticleFiles, benchConfig } from './edition.js';
import { cpuSeconds, freePort, spawnChild, spawnTs, type Child } from './proc.js';

const ROOT = resolve(import.meta.dirname, '..');
const WRK = '/usr/bin/wrk';
const AUTOCANNON = resolve(ROOT, 'node_modules/autocannon/autocannon.js');

export interface LoadRun {
  tool: 'autocannon' | 'wrk';
  server: 'gazette' | 'plain';
  request: '200' | '304';
  requestsPerSecond: number;
  /** Server CPU seconds per 1,000 requests. */
  serverCpuPer1000: number;
  /** Share of one core the load generator used: near 1, it was the bottleneck. */
  clientCore: number;
  /** Answers that were neither the 200 nor the 304 asked for, plus errors and timeouts. */
  non2xx: number;
}

export interface FeedResult {
  feedBytes: number;
  items: number;
  connections: number;
  seconds: number;
  runs: LoadRun[];
  /** The tool whose figures the ratios use: wrk when autocannon was the bottleneck. */
  figureTool: 'autocannon' | 'wrk';
  /**
   * wrk got clearly more out of the plain server than autocannon did: the load generator, not
   * the server, set autocannon's figures.
   */
  autocannonBound: boolean;
}

export async function feedBench(opts: {
  redisUrl: string;
  /** The `bin/gazette.js` to serve with (a compiled tree; default: this repo's, via tsx). */
  gazetteBin?: string;
  /** Write a V8 CPU profile of `gazette serve` here. */
  profileDir?: string;
  seconds: number;
  connections: number;
  log(line: string): void;
}): Promise<FeedResult> {
  const prefix = `gzbench-${randomBytes(4).toString('hex')}`;
  const env = { ...BENCH_ENV, REDIS_URL: opts.redisUrl, GAZETTE_PREFIX: prefix };
  const config = benchConfig(env);
  const ctx = await createContext(config, createLogger({ level: 'silent', pretty: false }));
  const dir = mkdtempSync(join(tmpdir(), 'gazette-feed-bench-'));
  const children: Child[] = [];
  try {
    await ingestFiles(benchArticleFiles(Infinity), {
      store: ctx.articles,
      editions: ctx.editions,
      siteUrl: config.siteUrl,
    });
    const port = await freePort();
    const gazette = spawnChild(
      process.execPath,
      [
        ...(opts.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${opts.profileDir}`] : []),
        opts.gazetteBin ?? resolve(ROOT, 'bin/gazette.js'),
        'serve',
        '--no-workers',
      ],
      {
        ...env,
        HOST: '127.0.0.1',
        PORT: String(port),
        LOG_LEVEL: 'info',
      },
    );
    children.push(gazette);
    await gazette.waitFor('listening');
    const gazetteUrl = `http://127.0.0.1:${port}/feed.xml`;

    const first = await fetch(gazetteUrl);
    if (first.status !== 200) throw new Error(`GET /feed.xml: ${first.status}`);
    const body = Buffer.from(await first.arrayBuffer());
    const etag = first.headers.get('etag') ?? '';
    const lastModified = first.headers.get('last-modified') ?? '';
    const again = await fetch(gazetteUrl, { headers: { 'if-none-match': etag } });
    if (again.status !== 304) throw new Error(`conditional GET /feed.xml: ${again.status}`);
    const items = body.toString('utf8').split('<item>').length - 1;
    opts.log(`feed: ${(body.length / 1024).toFixed(1)} KB, ${items} items, ETag ${etag}`);

    const file = join(dir, 'feed.xml');
    writeFileSync(file, body);
    const plain = spawnTs(resolve(import.meta.dirname, 'plain-server.ts'), [
      file,
      etag,
      lastModified,
    ]);
    children.push(plain);
    await plain.waitFor('listening ');
    const plainUrl = `http://127.0.0.1:${/listening (\d+)/.exec(plain.stdout())![1]}/feed.xml`;

    const servers = {
      gazette: { url: gazetteUrl, child: gazette },
      plain: { url: plainUrl, child: plain },
    };
    const tools: LoadRun['tool'][] = existsSync(WRK) ? ['autocannon', 'wrk'] : ['autocannon'];
    const runs: LoadRun[] = [];
    for (const tool of tools) {
      for (const request of ['200', '304'] as const) {
        for (const server of ['gazette', 'plain'] as const) {
          const target = servers[server];
          const run = await load(
            tool,
            target.url,
            target.child,
            request === '304' ? etag : undefined,
            opts,
          );
          runs.push({ ...run, server, request });
          opts.log(
            `  ${tool} ${server} ${request}: ${run.requestsPerSecond.toFixed(0)} req/s (client ${(run.clientCore * 100).toFixed(0)} % of a core)`,
          );
        }
      }
    }
    const rps = (tool: LoadRun['tool'], request: LoadRun['request']) =>
      runs.find((r) => r.tool === tool && r.server === 'plain' && r.request === request)
        ?.requestsPerSecond ?? NaN;
    const autocannonBound = (['200', '304'] as const).some(
      (req) => rps('wrk', req) > 1.2 * rps('autocannon', req),
    );
    return {
      feedBytes: body.length,
      items,
      connections: opts.connections,
      seconds: opts.seconds,
      runs,
      figureTool: autocannonBound && tools.includes('wrk') ? 'wrk' : 'autocannon',
      autocannonBound,
    };
  } finally {
    await Promise.all(children.map((c) => c.stop(5000)));
    for (const name of QUEUE_NAMES)
      await ctx.queues[name].obliterate({ force: true }).catch(() => {});
    let cursor = '0';
    do {
      const [next, keys] = await ctx.redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await ctx.redis.unlink(...keys);
    } while (cursor !== '0');
    await ctx.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function load(
  tool: LoadRun['tool'],
  url: string,
  server: Child,
  ifNoneMatch: string | undefined,
  opts: { seconds: number; connections: number },
): Promise<Omit<LoadRun, 'server' | 'request'>> {
  const args =
    tool === 'wrk'
      ? [
          '-t1',
          `-c${opts.connections}`,
          `-d${opts.seconds}s`,
          ...(ifNoneMatch ? ['-H', `If-None-Match: ${ifNoneMatch}`] : []),
          url,
        ]
      : [
          AUTOCANNON,
          '-c',
          String(opts.connections),
          '-d',
          String(opts.seconds),
          '-j',
          '-n',
          ...(ifNoneMatch ? ['-H', `If-None-Match=${ifNoneMatch}`] : []),
          url,
        ];
  const server0 = cpuSeconds(server.pid) ?? 0;
  const start = performance.now();
  const client = spawnChild(tool === 'wrk' ? WRK : process.execPath, args);
  // /proc forgets a process once it has exited: keep the last reading.
  let clientCpu = 0;
  const sampler = setInterval(() => (clientCpu = cpuSeconds(client.pid) ?? clientCpu), 100);
  const code = await client.exited;
  clearInterval(sampler);
  const seconds = (performance.now() - start) / 1000;
  const serverCpu = (cpuSeconds(server.pid) ?? 0) - server0;
  if (code !== 0) {
    throw new Error(
      `${tool} exited ${code}: ${client.stderr()}\nserver: ${server.stderr().slice(-3000)}`,
    );
  }
  let requests: number;
  let rps: number;
  let non2xx: number;
  if (tool === 'wrk') {
    const out = client.stdout();
    rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? NaN);
    requests = Number(/(\d+) requests in/.exec(out)?.[1] ?? NaN);
    non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
  } else {
    const r = JSON.parse(client.stdout()) as {
      requests: { average: number; total: number };
      non2xx: number;
      '3xx': number;
      errors: number;
      timeouts: number;
    };
    rps = r.requests.average;
    requests = r.requests.total;
    // A 304 is the answer we asked for; count only what is neither.
    non2xx = r.non2xx - (ifNoneMatch ? r['3xx'] : 0) + r.errors + r.timeouts;
  }
  return {
    tool,
    requestsPerSecond: rps,
    serverCpuPer1000: (serverCpu * 1000) / requests,
    clientCore: clientCpu / seconds,
    non2xx,
  };
}

/**
 * `npm run bench`: every benchmark, each figure a ratio against a baseline measured in the same
 * run on the same machine. A table for people; `--json` for machines.
 *
 *   npm run bench                                   fanout (10,000; pipelines unsigned and DKIM), render, feed
 *   npm run bench -- --subscribers 100000 --only fanout
 *   npm run bench -- --json > bench.json
 *   npm run bench -- --only fanout --cpu-prof       V8 profiles of the workers in bench/profiles/
 *   npm run bench -- --only million --subscribers 1000000   import, send, status, resend at 1M
 *
 * Needs Redis (REDIS_URL) and, for the reference sink, Postfix's smtp-sink and smtp-source
 * (Debian's `postfix` package); without them a smtp-server child is the sink and there is no
 * smtp-source figure. `wrk` (Debian) is used beside autocannon for the feed when installed.
 */
import { cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildCompiledTree, type CompiledTree } from './build.js';
import { fanoutBench, type FanoutResult, type SendRun } from './fanout.js';
import { feedBench, type FeedResult, type LoadRun } from './feed.js';
import { renderBench, type RenderResult } from './render.js';
import { hasPostfix } from './sink.js';
import { benchDkimEnv } from './render.js';

const BENCHES = ['fanout', 'render', 'feed'] as const;
type Bench = (typeof BENCHES)[number];

const { values } = parseArgs({
  options: {
    subscribers: { type: 'string', default: '10000' },
    only: { type: 'string' },
    json: { type: 'boolean', default: false },
    workers: { type: 'string', default: '1,2' },
    concurrency: { type: 'string' },
    sink: { type: 'string', default: 'auto' },
    'baseline-messages': { type: 'string' },
    repeat: { type: 'string', default: '1' },
    'feed-seconds': { type: 'string', default: '5' },
    'feed-connections': { type: 'string', default: '50' },
    'cpu-prof': { type: 'boolean', default: false },
    dkim: { type: 'boolean', default: false },
    'dkim-modes': { type: 'string', default: 'off,on' },
    tsx: { type: 'boolean', default: false },
    'worker-node-options': { type: 'string' },
    'profile-dir': { type: 'string', default: resolve(import.meta.dirname, 'profiles') },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help) {
  console.log(`npm run bench -- [options]
  --subscribers N        fanout edition size (default 10000)
  --only LIST            fanout,render,feed (default: all); or million alone (bench/million.ts:
                         --subscribers N, compared with 10,000, on its own redis-server on 7410)
  --workers LIST         worker process counts for the pipeline (default 1,2)
  --concurrency N        gazette worker --concurrency (deliver jobs per process)
  --sink auto|postfix|node
  --repeat N             run each fanout sender N times (interleaved), keep each one's best run
  --baseline-messages N  messages for the direct baselines and smtp-source (default: subscribers, at most 20000)
  --feed-seconds S       each feed load run (default 5)
  --feed-connections N   (default 50)
  --tsx                  run gazette from the sources through tsx (default: compiled by tsc, as deployed)
  --worker-node-options=OPTS  node options for the workers, e.g. --worker-node-options=--max-old-space-size=128
  --dkim-modes LIST      pipelines unsigned (off) and/or signing every copy with fresh RSA-2048
                         and Ed25519 keys (on); default off,on
  --dkim                 the same as --dkim-modes on
  --cpu-prof             write V8 CPU profiles of the worker and baseline children
  --profile-dir DIR      where (default bench/profiles); read them with: npx tsx bench/profile.ts FILE
  --json                 one JSON document on stdout instead of the tables
Environment: REDIS_URL, and SMTP_POOL_SIZE, DELIVERY_BATCH_SIZE, WORKER_CONCURRENCY for the workers.`);
  process.exit(0);
}

// The million run stands alone: its own redis-server and sink, 30 minutes or more at 1,000,000.
if (values.only === 'million') {
  const { millionMain } = await import('./million.js');
  await millionMain({
    subscribers: Number(values.subscribers),
    compare: 10_000,
    workers: 2,
    port: 7410,
    failShare: 0.001,
    workerNodeOptions: values['worker-node-options'] ?? '--max-old-space-size=128',
    json: values.json,
  });
  process.exit(0);
}

const only = new Set<Bench>(
  values.only ? (values.only.split(',').map((s) => s.trim()) as Bench[]) : BENCHES,
);
for (const b of only) if (!BENCHES.includes(b)) throw new Error(`--only: unknown benchmark ${b}`);
const sinkPref = values.sink as 'auto' | 'postfix' | 'node';
if (!['auto', 'postfix', 'node'].includes(sinkPref))
  throw new Error('--sink: auto, postfix or node');

const json = values.json;
// Progress goes to stderr, so that `--json > file` holds the document alone.
const log = (line: string) => console.error(line);
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
/** The workers' tuning, passed on from our environment when set. */
const workerEnv = Object.fromEntries(
  ['SMTP_POOL_SIZE', 'DELIVERY_BATCH_SIZE', 'WORKER_CONCURRENCY']
    .filter((k) => process.env[k])
    .map((k) => [k, process.env[k]!]),
);
const dkimModes = (values.dkim ? 'on' : values['dkim-modes']).split(',').map((m) => m.trim());
for (const m of dkimModes)
  if (m !== 'off' && m !== 'on') throw new Error(`--dkim-modes: off or on, not ${m}`);
const dkimEnv = dkimModes.includes('on') ? await benchDkimEnv() : {};

const machine = {
  cores: cpus().length,
  gazette: values.tsx ? 'sources through tsx' : 'compiled by tsc (as deployed)',
  workerNodeOptions: values['worker-node-options'] ?? '',
  cpu: cpus()[0]?.model ?? 'unknown',
  node: process.version,
  loadAverageAtStart: loadavg()[0]!,
};

let fanout: FanoutResult | undefined;
let render: RenderResult | undefined;
let feed: FeedResult | undefined;

let tree: CompiledTree | undefined;
if ((only.has('fanout') || only.has('feed')) && !values.tsx) {
  log('compiling with tsc (the workers and the server run compiled, as deployed) …');
  tree = await buildCompiledTree();
  process.once('exit', () => tree?.remove());
}
const gazetteBin = tree ? { gazetteBin: tree.bin } : {};

if (only.has('render')) {
  log('render …');
  render = await renderBench();
}
if (only.has('fanout')) {
  log(`fanout: ${values.subscribers} subscribers …`);
  fanout = await fanoutBench({
    subscribers: Number(values.subscribers),
    workers: values.workers.split(',').map(Number),
    ...(values.concurrency ? { concurrency: Number(values.concurrency) } : {}),
    env: workerEnv,
    dkimModes: dkimModes as ('off' | 'on')[],
    dkimEnv,
    sink: sinkPref,
    redisUrl,
    repeat: Number(values.repeat),
    ...(values['baseline-messages']
      ? { baselineMessages: Number(values['baseline-messages']) }
      : {}),
    ...(values['cpu-prof'] ? { profileDir: values['profile-dir'] } : {}),
    ...(values['worker-node-options']
      ? { workerNodeArgs: values['worker-node-options'].split(/\s+/) }
      : {}),
    ...gazetteBin,
    log: (line) => log(`  ${line}`),
  });
}
if (only.has('feed')) {
  log('feed …');
  feed = await feedBench({
    redisUrl,
    seconds: Number(values['feed-seconds']),
    connections: Number(values['feed-connections']),
    ...(values['cpu-prof'] ? { profileDir: values['profile-dir'] } : {}),
    ...gazetteBin,
    log: (line) => log(`  ${line}`),
  });
}
machine.loadAverageAtStart = Math.round(machine.loadAverageAtStart * 100) / 100;
const loadAverageAtEnd = Math.round(loadavg()[0]! * 100) / 100;

const targets = checkTargets();
if (json) {
  console.log(
    JSON.stringify(
      { machine: { ...machine, loadAverageAtEnd }, fanout, render, feed, targets },
      null,
      2,
    ),
  );
} else {
  printTables();
}

interface Target {
  target: string;
  measured: string;
  met: boolean;
}

function checkTargets(): Target[] {
  const out: Target[] = [];
  if (fanout) {
    for (const dkim of [false, true]) {
      const two = fanout.pipelines.find((p) => p.workers === 2 && p.dkim === dkim);
      if (!two) continue;
      const name = `pipeline (2 worker processes${dkim ? ', DKIM' : ''})`;
      if (fanout.baseline) {
        const r = two.perSecond / fanout.baseline.perSecond;
        out.push({
          target: `${name} ≥ 2× the direct-nodemailer baseline`,
          measured: `${r.toFixed(2)}×`,
          met: r >= 2,
        });
      }
      if (fanout.smtpSource) {
        const r = two.perSecond / fanout.smtpSource.perSecond;
        const goal = dkim ? 0.4 : 0.5;
        out.push({
          target: `${name} ≥ ${goal * 100}% of smtp-source into the same sink`,
          measured: `${(r * 100).toFixed(0)} %`,
          met: r >= goal,
        });
      }
    }
    const { directEngine, plainSocket } = fanout;
    if (directEngine && plainSocket) {
      const r = directEngine.cpuPer1000 / plainSocket.cpuPer1000;
      out.push({
        target: 'send path (SMTP_ENGINE=direct) CPU per message ≤ 2× plain sockets',
        measured: `${r.toFixed(2)}× (${num(directEngine.cpuPer1000 * 1000)} µs vs ${num(plainSocket.cpuPer1000 * 1000)} µs)`,
        met: r <= 2,
      });
    }
  }
  if (fanout) {
    const rss = Math.max(...fanout.pipelines.map((p) => p.peakRss ?? 0));
    out.push({
      target: `worker peak RSS < 300 MB (${fanout.subscribers} subscribers; the target is for 100,000)`,
      measured: mb(rss),
      met: rss < 300 * 2 ** 20,
    });
    const redis = Math.max(...fanout.pipelines.map((p) => p.redisUsedMemory));
    const ours = Math.max(...fanout.pipelines.map((p) => p.redisPrefixMemory));
    out.push({
      target: `Redis < 150 MB after the run, records kept (${fanout.subscribers} subscribers; the target is for 100,000)`,
      measured: `${mb(redis)} used_memory, of which this run's keys ${mb(ours)}`,
      met: redis < 150 * 2 ** 20,
    });
  }
  if (render) {
    out.push({
      target: 'personalisation < 20 µs per recipient',
      measured: `${render.personalise.toFixed(1)} µs (the whole MIME message: ${render.renderRaw.toFixed(1)} µs)`,
      met: render.personalise < 20,
    });
  }
  if (feed) {
    for (const request of ['200', '304'] as const) {
      const g = feedRun(feed, 'gazette', request);
      const p = feedRun(feed, 'plain', request);
      if (!g || !p) continue;
      const r = g.requestsPerSecond / p.requestsPerSecond;
      out.push({
        target: `feed ${request} ≥ 70% of the plain server's requests/s (${feed.figureTool})`,
        measured: `${(r * 100).toFixed(0)} %`,
        met: r >= 0.7,
      });
    }
  }
  return out;
}

function feedRun(f: FeedResult, server: LoadRun['server'], request: LoadRun['request']) {
  return f.runs.find(
    (r) => r.tool === f.figureTool && r.server === server && r.request === request,
  );
}

function mb(bytes: number | undefined): string {
  return bytes === undefined || !Number.isFinite(bytes)
    ? '–'
    : `${(bytes / 2 ** 20).toFixed(0)} MB`;
}

function num(n: number | undefined, digits = 0): string {
  if (n === undefined || !Number.isFinite(n)) return '–';
  return n.toLocaleString('en-US', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

function table(head: string[], rows: string[][]): void {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  console.log(line(head));
  console.log(widths.map((w) => '─'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
  console.log('');
}

function printTables(): void {
  console.log(
    `\nGazette benchmarks: ${machine.cores} cores (${machine.cpu}), Node ${machine.node}, load average ${machine.loadAverageAtStart} at start, ${loadAverageAtEnd} at the end; gazette ${machine.gazette}${machine.workerNodeOptions ? `, workers with ${machine.workerNodeOptions}` : ''}\n`,
  );
  if (fanout) {
    console.log(
      `fanout: one edition to ${num(fanout.subscribers)} subscribers${Number(values.repeat) > 1 ? ` (each row the best of ${values.repeat} runs)` : ''}; message ${(fanout.messageBytes / 1024).toFixed(1)} KB (HTML ${(fanout.htmlBytes / 1024).toFixed(1)} KB); sink: ${fanout.sink}${hasPostfix() ? '' : ' (Postfix not installed: no smtp-source reference)'}`,
    );
    const base = fanout.baseline?.perSecond;
    const source = fanout.smtpSource?.perSecond;
    const sendRow = (r: SendRun, extra: string[] = ['', '']) => [
      r.label,
      num(r.messages),
      num(r.perSecond),
      base ? `${(r.perSecond / base).toFixed(2)}×` : '–',
      source ? `${((r.perSecond / source) * 100).toFixed(0)} %` : '–',
      num(r.cpuPer1000, 2),
      num(r.sinkCpuPer1000, 2),
      mb(r.peakRss),
      ...extra,
    ];
    const rows: string[][] = [];
    if (fanout.smtpSource)
      rows.push(sendRow({ ...fanout.smtpSource, label: `${fanout.smtpSource.label}, reference` }));
    if (fanout.baseline) rows.push(sendRow(fanout.baseline));
    if (fanout.directRaw) rows.push(sendRow(fanout.directRaw));
    if (fanout.directEngine) rows.push(sendRow(fanout.directEngine));
    if (fanout.plainSocket) rows.push(sendRow(fanout.plainSocket));
    for (const p of fanout.pipelines) {
      rows.push(
        sendRow(
          {
            ...p,
            label: `${p.label}${p.concurrency === 'default' ? '' : `, --concurrency ${p.concurrency}`}`,
          },
          [num(p.redisCpuPer1000, 2), `${mb(p.redisUsedMemory)} (ours ${mb(p.redisPrefixMemory)})`],
        ),
      );
    }
    table(
      [
        'sender',
        'messages',
        'msg/s',
        'vs baseline',
        'vs smtp-source',
        'CPU s/1000',
        'sink CPU s/1000',
        'peak RSS',
        'Redis CPU s/1000',
        'Redis used_memory after',
      ],
      rows,
    );
  }
  if (render) {
    console.log(
      `render: HTML ${(render.htmlBytes / 1024).toFixed(1)} KB, text ${(render.textBytes / 1024).toFixed(1)} KB, message ${(render.rawBytes / 1024).toFixed(1)} KB; baseline: an MJML compile per recipient`,
    );
    const vs = (us: number) => `${num(render!.compile / us)}× cheaper`;
    table(
      ['step', 'time', 'vs compile per recipient'],
      [
        ['MJML compile + text, once per edition', `${(render.compile / 1000).toFixed(1)} ms`, '1×'],
        [
          'personalise html + text (Buffer splice), per recipient',
          `${render.personalise.toFixed(1)} µs`,
          vs(render.personalise),
        ],
        [
          'the whole MIME message (renderRaw), per recipient',
          `${render.renderRaw.toFixed(1)} µs`,
          vs(render.renderRaw),
        ],
        [
          'worker per recipient: sign links + renderRaw',
          `${render.perRecipient.toFixed(1)} µs`,
          vs(render.perRecipient),
        ],
        [
          'nodemailer MailComposer build, per recipient',
          `${render.nodemailerBuild.toFixed(0)} µs`,
          vs(render.nodemailerBuild),
        ],
        [
          'renderRaw + DKIM RSA-2048, per recipient',
          `${render.dkim.rsa.toFixed(0)} µs`,
          vs(render.dkim.rsa),
        ],
        [
          'renderRaw + DKIM Ed25519, per recipient',
          `${render.dkim.ed25519.toFixed(0)} µs`,
          vs(render.dkim.ed25519),
        ],
        [
          'renderRaw + DKIM RSA-2048 and Ed25519, per recipient',
          `${render.dkim.both.toFixed(0)} µs`,
          vs(render.dkim.both),
        ],
        [
          'renderRaw + nodemailer DKIM (RSA-2048), per recipient',
          `${render.nodemailerDkim.toFixed(0)} µs`,
          vs(render.nodemailerDkim),
        ],
      ],
    );
  }
  if (feed) {
    console.log(
      `feed: ${(feed.feedBytes / 1024).toFixed(1)} KB, ${feed.items} items; ${feed.connections} connections, ${feed.seconds} s per run; figure from ${feed.figureTool}${feed.autocannonBound ? ' (autocannon was the bottleneck: wrk got more out of the same plain server)' : ''}`,
    );
    const rows: string[][] = [];
    for (const r of feed.runs) {
      const plain = feed.runs.find(
        (p) => p.tool === r.tool && p.request === r.request && p.server === 'plain',
      );
      rows.push([
        `${r.tool}, ${r.server === 'gazette' ? 'gazette serve' : 'plain node:http'}, ${r.request === '200' ? 'GET 200' : 'conditional GET 304'}`,
        num(r.requestsPerSecond),
        plain ? `${((r.requestsPerSecond / plain.requestsPerSecond) * 100).toFixed(0)} %` : '–',
        num(r.serverCpuPer1000 * 1000, 0),
        `${(r.clientCore * 100).toFixed(0)} %`,
        num(r.non2xx),
      ]);
    }
    table(['load', 'req/s', 'vs plain', 'server CPU µs/req', 'client CPU', 'bad answers'], rows);
  }
  if (targets.length) {
    table(
      ['target', 'measured', ''],
      targets.map((t) => [t.target, t.measured, t.met ? 'met' : 'NOT met']),
    );
  }
}

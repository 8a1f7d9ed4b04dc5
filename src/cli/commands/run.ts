import { SingleBar, Presets } from 'cli-progress';
import { relative } from 'node:path';
import type { Config } from '../../runtime/config.js';
import { createContext } from '../../operations/context.js';
import { createLogger } from '../../runtime/log.js';
import type { EditionProgress } from '../../operations/progress.js';
import { createJobDeps } from '../../jobs/deps.js';
import { runOnce, type RunSummary } from '../../operations/run.js';
import { startWorkers } from '../../jobs/workers.js';
import { printResults } from './ingest.js';

/** The one command that makes the next run deliver, printed where a user needs it. */
const ADD_SUBSCRIBER = 'npm run -s gazette -- subscribers add you@example.com';

/** `gazette run` (`npm start`): the main job, one shot, with its workers in this process. */
export async function runCommand(config: Config, opts: { feed: string }): Promise<void> {
  // The summary says what happened; the workers' info lines would only interleave with it.
  const level = config.logLevel === 'info' ? 'warn' : config.logLevel;
  const ctx = await createContext(config, createLogger({ level }));
  const deps = createJobDeps(ctx);
  const workers = startWorkers(deps, {
    connection: ctx.redis,
    prefix: config.prefix,
    ...config.worker,
  });
  const tty = process.stderr.isTTY === true;
  const bar = tty
    ? new SingleBar(
        {
          format: 'delivering [{bar}] {value}/{total} ({sent} sent, {failed} failed)',
          hideCursor: true,
        },
        Presets.shades_classic,
      )
    : undefined;
  let lastLog = 0;
  const onProgress = (p: EditionProgress) => {
    if (p.total === 0 && !p.done) return;
    const done = p.total - p.queued - p.sending;
    if (bar) {
      if (!bar.isActive) bar.start(p.total, 0, { sent: 0, failed: 0 });
      bar.setTotal(p.total);
      bar.update(done, { sent: p.sent, failed: p.failed + p.bounced });
    } else if (Date.now() - lastLog > 2000 || p.done) {
      lastLog = Date.now();
      console.log(
        `delivered ${done}/${p.total}: sent ${p.sent}, failed ${p.failed}, bounced ${p.bounced}, uncertain ${p.uncertain}`,
      );
    }
  };
  try {
    const s = await runOnce(ctx, {
      contentDir: config.contentDir,
      feedPath: opts.feed,
      onStage: (m) => console.log(`${m}…`),
      onProgress,
    });
    bar?.stop();
    printResults(s.ingested);
    console.log(`feed written to ${s.feedPath}`);
    if (s.preview) {
      printPreview(s.preview);
    } else if (!s.editionId) {
      console.log('no new articles: no edition sent');
    } else {
      console.log(
        `edition ${s.editionId}: ${s.recipients} recipients, sent ${s.sent}, failed ${s.failed}, bounced ${s.bounced}, uncertain ${s.uncertain} in ${s.seconds.toFixed(1)} s`,
      );
      // Only when the last reader left between the check and the fan-out: say how to recover.
      if (s.recipients === 0)
        console.log(
          `edition ${s.editionId} reached nobody; after \`${ADD_SUBSCRIBER}\`, \`npm run -s gazette -- send --edition ${s.editionId}\` delivers it`,
        );
      if (deps.transport.kind === 'outbox' && s.sent)
        console.log(`mail written as .eml files to ${config.outboxDir} (set SMTP_URL to send)`);
    }
    if (s.failed > 0 || s.ingested.some((r) => 'error' in r)) process.exitCode = 1;
  } finally {
    bar?.stop();
    await workers.close(config.shutdownTimeoutMs);
    await deps.transport.close();
    await ctx.close();
  }
}

function printPreview(p: NonNullable<RunSummary['preview']>): void {
  const left = p.subscribers > 0 ? ` (${p.subscribers} subscribed, none active)` : '';
  console.log(`no active subscriber${left}: no edition made; the articles wait for the first one`);
  console.log(`preview of the digest (${p.stories} stories, "${p.subject}"):`);
  for (const f of p.files) console.log(`  ${show(f.path)}`);
  console.log(`add a subscriber, then run \`npm start\` again to deliver it:\n  ${ADD_SUBSCRIBER}`);
}

/** Relative to where the user stands when it is below it: shorter, and clickable in a terminal. */
function show(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') ? rel : path;
}

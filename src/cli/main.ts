#!/usr/bin/env node
import { existsSync } from 'node:fs';
import { Command } from 'commander';
import { loadConfig, type Config } from '../runtime/config.js';
import { ConfigError, InvalidArticleError, errorMessage } from '../runtime/errors.js';
import { parseCommand } from './commands/parse.js';
import { ingestCommand } from './commands/ingest.js';
import { subscribersCommand } from './commands/subscribers.js';
import { buildCommand } from './commands/build.js';
import { runCommand } from './commands/run.js';
import { workerCommand } from './commands/worker.js';
import { serveCommand } from './commands/serve.js';
import { sendCommand, type SendFlags } from './commands/send.js';
import { statusCommand } from './commands/status.js';
import { resendCommand, type ResendFlags } from './commands/resend.js';
import { dkimCommand } from './commands/dkim.js';
import { suppressionsCommand } from './commands/suppressions.js';
import { inboundCommand } from './commands/inbound.js';

/** commander wiring for the commands of the README, nothing else: each command lives in src/cli/commands/. */
const program = new Command('gazette')
  .description('Gazette: articles in, an email digest and an RSS feed out')
  .showHelpAfterError()
  .configureOutput({ outputError: (s, write) => write(s) });

// A .env beside the command is read once, before the environment is checked; real variables win.
if (existsSync('.env')) process.loadEnvFile('.env');

let cached: Config | undefined;
const config = (): Config => (cached ??= loadConfig());

program
  .command('parse')
  .description('print the Article of one file as JSON')
  .argument('<file>', 'a .md, .txt or .html article')
  .action((file: string) => parseCommand(file, config()));

program
  .command('ingest')
  .description('validate and store articles, and queue their processing (default: CONTENT_DIR)')
  .argument('[paths...]', 'article files or directories')
  .action((paths: string[]) => ingestCommand(paths, config()));

program.addCommand(subscribersCommand(config));
program.addCommand(suppressionsCommand(config));

program
  .command('build')
  .description('write feed.xml and editions/<id>.html, .txt, .eml from CONTENT_DIR (no Redis)')
  .requiredOption('--out <dir>', 'output directory')
  .action((opts: { out: string }) => buildCommand(opts.out, config()));

program
  .command('send')
  .description('make an edition of the articles not yet sent and schedule its delivery')
  .option('--edition <id>', 'deliver this existing edition to whoever does not have it yet')
  .option('--at <iso>', 'deliver at this time, e.g. 2026-12-01T07:00:00Z')
  .option('--local <HH:MM>', "deliver at this time in each subscriber's own time zone")
  .action((flags: SendFlags) => sendCommand(config(), flags));

program
  .command('run')
  .description(
    'the main job, one shot: ingest, deliver one edition, write the feed, wait, summarise',
  )
  .option('--feed <path>', 'where to write the feed', 'out/feed.xml')
  .action((opts: { feed: string }) => runCommand(config(), opts));

program
  .command('worker')
  .description('run every worker until SIGTERM/SIGINT, then close gracefully')
  .option('--concurrency <n>', 'deliver batches run at once in this process', (v) =>
    positiveInt(v, '--concurrency'),
  )
  .action((opts: { concurrency?: number }) => workerCommand(config(), opts));

program
  .command('serve')
  .description(
    'HTTP server: feed, archive, subscription pages, admin; with the workers unless --no-workers',
  )
  .option('--no-workers', 'serve HTTP only (run `gazette worker` elsewhere)')
  .action((opts: { workers: boolean }) => serveCommand(config(), opts));

program
  .command('status')
  .description('queue counts, and per edition the delivery records by state')
  .argument('[edition]', 'one edition (default: the five newest)')
  .option('--json', 'machine-readable output (shape in README)')
  .action((edition: string | undefined, opts: { json?: boolean }) =>
    statusCommand(config(), edition, opts),
  );

program
  .command('resend')
  .description('operator resend: one subscriber, the failed or uncertain ones, or everyone')
  .argument('<edition>', 'edition id')
  .option('--to <email>', 'this subscriber, even if they already have it')
  .option('--failed', 'every recipient whose delivery failed')
  .option('--uncertain', 'every recipient whose delivery may or may not have happened')
  .option('--reason <text>', 'why, for the audit list')
  .action((edition: string, flags: ResendFlags) => resendCommand(config(), edition, flags));

program
  .command('dkim')
  .description('print the DNS TXT record(s) to publish for the configured DKIM key(s)')
  .action(() => dkimCommand(config()));

program
  .command('inbound')
  .description('SMTP listener for BOUNCE_DOMAIN: DSN bounces and ARF complaints (INBOUND_PORT)')
  .option('--port <n>', 'listen on this port (default INBOUND_PORT, 2525)', (v) =>
    positiveInt(v, '--port'),
  )
  .option('--list', 'print the reports it could not act on, newest first, and exit')
  .action((opts: { port?: number; list?: boolean }) => inboundCommand(config(), opts));

function positiveInt(value: string, name: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`${name} must be a whole number ≥ 1, not "${value}"`);
  return n;
}

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof InvalidArticleError || err instanceof ConfigError) {
    console.error(err.message);
  } else {
    console.error(`gazette: ${errorMessage(err)}`);
    if (process.env.DEBUG) console.error(err);
  }
  process.exitCode = 1;
}

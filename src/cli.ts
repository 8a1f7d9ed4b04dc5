#!/usr/bin/env node
import { Command } from 'commander';
import { loadConfig, type Config } from './config.js';
import { ConfigError, InvalidArticleError, errorMessage } from './errors.js';
import { parseCommand } from './commands/parse.js';
import { ingestCommand } from './commands/ingest.js';
import { subscribersCommand } from './commands/subscribers.js';
import { buildCommand } from './commands/build.js';

/** commander wiring for the table in design.md, nothing else: each command lives in src/commands/. */
const program = new Command('gazette')
  .description('Gazette: articles in, an email digest and an RSS feed out')
  .showHelpAfterError()
  .configureOutput({ outputError: (s, write) => write(s) });

let cached: Config | undefined;
const config = (): Config => (cached ??= loadConfig());

program
  .command('parse')
  .description('print the Article of one file as JSON')
  .argument('<file>', 'a .md or .txt article')
  .action((file: string) => parseCommand(file, config()));

program
  .command('ingest')
  .description('validate and store articles, and queue their processing (default: CONTENT_DIR)')
  .argument('[paths...]', 'article files or directories')
  .action((paths: string[]) => ingestCommand(paths, config()));

program.addCommand(subscribersCommand(config));

program
  .command('build')
  .description('write feed.xml and editions/<id>.html, .txt, .eml from CONTENT_DIR (no Redis)')
  .requiredOption('--out <dir>', 'output directory')
  .action((opts: { out: string }) => buildCommand(opts.out, config()));

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

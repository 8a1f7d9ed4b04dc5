import { Command, InvalidArgumentError } from 'commander';
import type { Config } from '../../runtime/config.js';
import { withContext, type Context } from '../../operations/context.js';
import type { Subscriber } from '../../stores/subscribers/index.js';
import { importSubscribersCsv, type ImportResult } from '../../operations/import-subscribers.js';
import { createImportProgress } from '../import-progress.js';
import { parseStatus } from '../../domain/subscribers/validate.js';

/** `gazette subscribers add|import|list|remove`; commander wiring and output, nothing else. */
export function subscribersCommand(config: () => Config): Command {
  const group = new Command('subscribers').description(
    'subscriber records: add, import a CSV, list, remove',
  );
  const run = (fn: (ctx: Context) => Promise<void>) => withContext(config(), fn);

  group
    .command('add')
    .description('add an address (active: you vouch for it) or update its name and zone')
    .argument('<email>', 'the address')
    .option('--name <name>', 'the name to greet them by')
    .option('--tz <zone>', 'IANA time zone, e.g. Europe/Paris (default: DIGEST_TZ)')
    .action((email: string, opts: { name?: string; tz?: string }) =>
      run(async (ctx) => {
        const { subscriber: s, outcome } = await ctx.subscribers.add({
          email,
          name: opts.name,
          tz: opts.tz,
          status: 'active',
        });
        const kept = ['unsubscribed', 'bounced', 'complained'].includes(s.status);
        const note = kept ? `; ${s.status}, and add does not re-activate` : '';
        console.log(`${outcome.padEnd(9)} ${s.id}  ${s.email} (${s.status}${note})`);
      }),
    );

  group
    .command('import')
    .description('import a CSV with a header row: email (required), name, tz')
    .argument('<csv>', 'the file')
    .action((file: string) =>
      run(async (ctx) => {
        const started = performance.now();
        const progress = createImportProgress(`importing ${file}`);
        let result: ImportResult;
        try {
          result = await importSubscribersCsv(file, {
            store: ctx.subscribers,
            onProgress: (p) => progress.update(p),
          });
        } finally {
          progress.stop();
        }
        for (const e of result.errors) console.error(`${file}:${e.line}: ${e.reason}`);
        const seconds = ((performance.now() - started) / 1000).toFixed(1);
        console.log(`${file}: ${summary(result)} in ${seconds} s`);
        if (result.errors.length > 0) process.exitCode = 1;
      }),
    );

  group
    .command('list')
    .description('list subscribers in the order they were added')
    .option(
      '--status <status>',
      'pending, active, unsubscribed, bounced or complained',
      statusOption,
    )
    .option('--limit <n>', 'at most this many', positiveInt, 100)
    .option('--offset <n>', 'skip this many first', positiveInt, 0)
    .option('--json', 'one JSON array on stdout')
    .action((opts: ListOptions) =>
      run(async (ctx) => {
        const rows = await ctx.subscribers.list(opts);
        if (opts.json) {
          process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
          return;
        }
        const width = Math.max(0, ...rows.map((s) => s.email.length));
        for (const s of rows) console.log(row(s, width));
        const total = await ctx.subscribers.count(opts.status);
        console.error(`${rows.length} shown of ${total}${opts.status ? ` ${opts.status}` : ''}`);
      }),
    );

  group
    .command('remove')
    .description('erase an address and every index of it (GDPR erasure)')
    .argument('<email>', 'the address')
    .action((email: string) =>
      run(async (ctx) => {
        const removed = await ctx.subscribers.remove(email);
        if (!removed) {
          console.error(`no subscriber with the address ${JSON.stringify(email)}`);
          process.exitCode = 1;
          return;
        }
        console.log(`removed   ${removed.id}  ${removed.email}`);
      }),
    );

  return group;
}

interface ListOptions {
  status?: ReturnType<typeof parseStatus>;
  limit: number;
  offset: number;
  json?: boolean;
}

function statusOption(value: string) {
  try {
    return parseStatus(value);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number');
  return n;
}

function row(s: Subscriber, width: number): string {
  const cells = [s.id, s.status.padEnd(12), s.email.padEnd(width), s.createdAt, s.tz ?? '-'];
  return [...cells, s.name ?? '-'].join('  ');
}

function summary(r: ImportResult): string {
  const rows = r.created + r.updated + r.unchanged + r.skipped + r.invalid;
  const parts = (['created', 'updated', 'unchanged', 'skipped', 'invalid'] as const)
    .filter((k) => r[k] > 0)
    .map(
      (k) =>
        `${r[k]} ${k}${k === 'skipped' ? ' (unsubscribed, bounced or complained, left alone)' : ''}`,
    );
  const stopped = r.complete ? '' : '; stopped early, see the last error';
  return `${rows} rows: ${parts.join(', ') || 'nothing to do'}${stopped}`;
}

import { Command, InvalidArgumentError } from 'commander';
import type { Config } from '../../runtime/config.js';
import { withContext, type Context } from '../../operations/context.js';
import { SUPPRESSION_REASONS, type SuppressionReason } from '../../stores/suppressions.js';

/** `gazette suppressions list|add|remove`: the one list every send checks. */
export function suppressionsCommand(config: () => Config): Command {
  const group = new Command('suppressions').description(
    'the suppression list every send checks: list, add, remove',
  );
  const run = (fn: (ctx: Context) => Promise<void>) => withContext(config(), fn);

  group
    .command('list')
    .description('every suppressed address, newest first')
    .option('--json', 'one JSON array')
    .action((opts: { json?: boolean }) =>
      run(async (ctx) => {
        const all = await ctx.suppressions.list();
        if (opts.json) {
          process.stdout.write(`${JSON.stringify(all, null, 2)}\n`);
          return;
        }
        for (const s of all) {
          console.log(
            `${s.at}  ${s.reason.padEnd(11)} ${s.source.padEnd(8)} ${s.email}${s.detail ? `  ${s.detail}` : ''}`,
          );
        }
        console.error(`${all.length} suppressed`);
      }),
    );

  group
    .command('add')
    .description('suppress an address: it gets no more mail until removed')
    .argument('<email>', 'the address')
    .option('--reason <reason>', SUPPRESSION_REASONS.join(', '), parseReason, 'manual')
    .option('--note <text>', 'why, for the next operator')
    .action((email: string, opts: { reason: SuppressionReason; note?: string }) =>
      run(async (ctx) => {
        const s = await ctx.suppressions.add(email, opts.reason, 'cli', { detail: opts.note });
        console.log(`suppressed ${s.email} (${s.reason})`);
      }),
    );

  group
    .command('remove')
    .description('take an address off the list (its subscriber record is not changed)')
    .argument('<email>', 'the address')
    .action((email: string) =>
      run(async (ctx) => {
        const removed = await ctx.suppressions.remove(email);
        console.log(removed ? `removed ${email}` : `${email} was not suppressed`);
        if (!removed) process.exitCode = 1;
      }),
    );
  return group;
}

function parseReason(value: string): SuppressionReason {
  if (!(SUPPRESSION_REASONS as readonly string[]).includes(value))
    throw new InvalidArgumentError(`one of ${SUPPRESSION_REASONS.join(', ')}`);
  return value as SuppressionReason;
}

import type { Config } from '../../runtime/config.js';
import { createContext } from '../../operations/context.js';
import { statusReport } from '../../operations/status.js';
import { DELIVERY_STATES } from '../../stores/deliveries.js';

/** `gazette status [edition] [--json]`. */
export async function statusCommand(
  config: Config,
  editionId: string | undefined,
  opts: { json?: boolean },
): Promise<void> {
  const ctx = await createContext(config);
  try {
    const report = await statusReport(ctx, editionId);
    if (opts.json) {
      console.log(JSON.stringify(report, null, 2));
      return;
    }
    console.log('queue      waiting  active  delayed  completed  failed');
    for (const [name, c] of Object.entries(report.queues)) {
      console.log(
        `${name.padEnd(9)} ${[c.waiting, c.active, c.delayed, c.completed, c.failed].map((n, i) => String(n).padStart([8, 7, 8, 10, 7][i]!)).join(' ')}`,
      );
    }
    if (report.editions.length === 0) console.log('\nno editions yet');
    for (const e of report.editions) {
      console.log(
        `\nedition ${e.id}  ${e.createdAt}  ${e.articles} stories  ${e.status}${e.subject ? `  "${e.subject}"` : ''}`,
      );
      console.log(
        `  ${DELIVERY_STATES.map((s) => `${s} ${e.deliveries[s]}`).join('  ')}  total ${e.deliveries.total}`,
      );
      if (e.sentFrom) console.log(`  sent ${e.sentFrom} – ${e.sentUntil}`);
      if (e.recordsExpired)
        console.log(
          `  the records have expired (RECORD_TTL_DAYS); the counts above are the summary kept of them`,
        );
      if (e.deliveries.uncertain)
        console.log(
          `  ${e.deliveries.uncertain} uncertain: check the mail server's log, then \`resend ${e.id} --uncertain\` if they did not arrive`,
        );
      if (e.deliveries.failed)
        console.log(
          `  ${e.deliveries.failed} failed: \`resend ${e.id} --failed\` to try them again`,
        );
    }
  } finally {
    await ctx.close();
  }
}

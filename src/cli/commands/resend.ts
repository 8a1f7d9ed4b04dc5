import { userInfo } from 'node:os';
import type { Config } from '../../runtime/config.js';
import { createContext } from '../../operations/context.js';
import { resend } from '../../operations/resend.js';

export interface ResendFlags {
  to?: string;
  failed?: boolean;
  uncertain?: boolean;
  reason?: string;
}

/** `gazette resend <edition> [--to email] [--failed] [--uncertain]`; with none of them, everyone. */
export async function resendCommand(
  config: Config,
  editionId: string,
  flags: ResendFlags,
): Promise<void> {
  if (flags.to && (flags.failed || flags.uncertain))
    throw new Error('--to cannot be combined with --failed or --uncertain');
  const states = [
    ...(flags.failed ? ['failed' as const] : []),
    ...(flags.uncertain ? ['uncertain' as const] : []),
  ];
  const ctx = await createContext(config);
  try {
    const result = await resend(ctx, {
      editionId,
      to: flags.to,
      states,
      reason: flags.reason ?? 'operator resend (CLI)',
      actor: `cli:${userInfo().username}`,
      // The moment the command was typed, not when it got through loading and connecting.
      requestedAt: new Date(performance.timeOrigin),
    });
    console.log(
      `edition ${result.editionId}: ${result.recipients} recipient(s) queued again (${result.mode}) in ${result.batches} batch(es)`,
    );
  } finally {
    await ctx.close();
  }
}

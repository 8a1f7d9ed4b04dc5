import type { Config } from '../../runtime/config.js';
import { createContext } from '../../operations/context.js';
import { sendEdition } from '../../operations/send.js';
import type { Schedule } from '../../jobs/payloads.js';
import { LOCAL_TIME } from '../../domain/local-time.js';

export interface SendFlags {
  edition?: string;
  at?: string;
  local?: string;
}

export function scheduleFrom(flags: SendFlags, now = new Date()): Schedule {
  if (flags.at && flags.local) throw new Error('--at and --local cannot be used together');
  if (flags.local) {
    if (!LOCAL_TIME.test(flags.local))
      throw new Error(`--local "${flags.local}" must be HH:MM, e.g. 07:00`);
    return { mode: 'local', time: flags.local };
  }
  if (flags.at) {
    const at = new Date(flags.at);
    if (Number.isNaN(at.getTime()) || !/\d{4}-\d{2}-\d{2}T/.test(flags.at))
      throw new Error(`--at "${flags.at}" must be an ISO time, e.g. 2026-12-01T07:00:00Z`);
    if (at.getTime() < now.getTime() - 60_000) throw new Error(`--at ${flags.at} is in the past`);
    return { mode: 'at', at: at.toISOString() };
  }
  return { mode: 'now' };
}

/** `gazette send`: make an edition of what is new (or take `--edition`) and schedule its delivery. */
export async function sendCommand(config: Config, flags: SendFlags): Promise<void> {
  const schedule = scheduleFrom(flags);
  const ctx = await createContext(config);
  try {
    const result = await sendEdition(ctx, { editionId: flags.edition, schedule });
    if (result.outcome === 'nothing-new') {
      console.log('nothing new to send: every stored article is in an edition already');
      return;
    }
    const when =
      schedule.mode === 'now'
        ? 'now'
        : schedule.mode === 'at'
          ? `at ${schedule.at}`
          : `at ${schedule.time} in each subscriber's time zone`;
    console.log(
      `edition ${result.editionId} (${result.articles} stories) queued for delivery ${when}`,
    );
    if ((await ctx.queues.edition.getWorkersCount()) === 0) {
      console.log('no worker is running: start one with `npm run -s gazette -- worker`');
    }
  } finally {
    await ctx.close();
  }
}

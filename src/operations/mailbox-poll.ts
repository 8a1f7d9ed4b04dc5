import { errorMessage } from '../runtime/errors.js';
import type { MailboxSession } from '../runtime/imap/mailbox.js';
import { withTimeout } from '../runtime/timeout.js';
import { handleInbound } from './inbound.js';
import type { Context } from './context.js';

type Deps = Parameters<typeof handleInbound>[0];

/** Messages one poll takes; a fuller mailbox is drained by polls back to back. */
const POLL_BATCH = 100;

export interface PollResult {
  fetched: number;
  deleted: number;
  /** Left in the mailbox: their handling failed (Redis away), the next poll tries again. */
  left: number;
}

/**
 * One pass over the bounce mailbox: each message through handleInbound, and only those it
 * finished (applied, ignored, or kept in Redis for an operator) are deleted. The first one that
 * fails or takes longer than `handleTimeoutMs` (commands wait out a Redis outage rather than
 * fail) ends the pass: the rest would fail the same way, and all of them stay for the next poll.
 */
export async function pollMailbox(
  deps: Deps,
  open: () => Promise<MailboxSession>,
  opts: { batch?: number; handleTimeoutMs?: number } = {},
): Promise<PollResult> {
  const session = await open();
  try {
    const messages = await session.fetch(opts.batch ?? POLL_BATCH);
    const done: number[] = [];
    for (const m of messages) {
      try {
        const outcomes = await withTimeout(
          handleInbound(deps, m.raw, m),
          opts.handleTimeoutMs ?? 30_000,
          'handling a report',
        );
        deps.log.debug({ uid: m.uid, outcomes }, 'mailbox message');
        done.push(m.uid);
      } catch (err) {
        deps.log.warn(
          { uid: m.uid, err: errorMessage(err) },
          'mailbox: report not handled; it stays for the next poll',
        );
        break;
      }
    }
    await session.delete(done);
    return { fetched: messages.length, deleted: done.length, left: messages.length - done.length };
  } finally {
    await session.close().catch(() => undefined);
  }
}

export interface MailboxPoller {
  /** Waits for a poll under way, then no more. */
  stop(): Promise<void>;
}

/**
 * Polls now and then every `intervalMs` until stopped. A failed poll (server down, bad login) is
 * logged and tried again at the next interval: it never ends the listener it runs beside.
 */
export function startMailboxPoller(
  deps: Deps & Pick<Context, 'log'>,
  open: () => Promise<MailboxSession>,
  opts: { intervalMs: number; batch?: number; handleTimeoutMs?: number },
): MailboxPoller {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const batch = opts.batch ?? POLL_BATCH;
  const tick = () => {
    running = pollMailbox(deps, open, { ...opts, batch }).then(
      (r) => {
        if (r.fetched) deps.log.info(r, 'mailbox polled');
        // A full batch all handled: more may be waiting, so go on at once.
        schedule(r.fetched === batch && r.left === 0 ? 0 : opts.intervalMs);
      },
      (err: unknown) => {
        deps.log.warn(
          { err: errorMessage(err) },
          'mailbox poll failed; trying again next interval',
        );
        schedule(opts.intervalMs);
      },
    );
  };
  const schedule = (ms: number) => {
    if (!stopped) timer = setTimeout(tick, ms);
  };
  tick();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}

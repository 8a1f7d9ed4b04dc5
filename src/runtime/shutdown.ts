import type { Logger } from './log.js';

/** How long a stopped process may wait for its last sockets to close by themselves. */
const LINGER_MS = 1000;

/**
 * Runs `stop` once on the first SIGTERM or SIGINT and resolves when it is done; a second signal
 * while stopping exits at once (the operator means it).
 */
export function untilSignal(
  log: Logger,
  stop: (signal: NodeJS.Signals) => Promise<void>,
): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    let stopping = false;
    const handler = (signal: NodeJS.Signals) => {
      if (stopping) {
        log.warn({ signal }, 'second signal: exiting now');
        process.exit(1);
      }
      stopping = true;
      log.info({ signal }, 'stopping');
      stop(signal)
        .then(
          () => resolve(signal),
          (err: unknown) => {
            log.error({ err }, 'error while stopping');
            process.exitCode = 1;
            resolve(signal);
          },
        )
        .finally(() => {
          // Everything was closed, by force past the deadline; a socket to a stalled SMTP server
          // can still hold the event loop until its own timeout. The stop is over: leave.
          setTimeout(() => {
            log.warn('handles still open after the stop; exiting');
            process.exit();
          }, LINGER_MS).unref();
        });
    };
    process.once('SIGTERM', handler);
    process.once('SIGINT', handler);
  });
}

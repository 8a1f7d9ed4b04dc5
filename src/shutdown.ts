import type { Logger } from './log.js';

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
      stop(signal).then(
        () => resolve(signal),
        (err: unknown) => {
          log.error({ err }, 'error while stopping');
          process.exitCode = 1;
          resolve(signal);
        },
      );
    };
    process.once('SIGTERM', handler);
    process.once('SIGINT', handler);
  });
}

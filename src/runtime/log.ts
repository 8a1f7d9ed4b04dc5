import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * Logs go to stderr so that stdout stays clean for what a command prints (JSON, tables).
 * Pretty only on a TTY: piped logs stay one JSON object a line for machines.
 */
export function createLogger(
  opts: { level?: string; pretty?: boolean; name?: string } = {},
): Logger {
  const pretty = opts.pretty ?? process.stderr.isTTY === true;
  const base = { level: opts.level ?? 'info', name: opts.name ?? 'gazette' };
  if (pretty) {
    return pino({
      ...base,
      transport: {
        target: 'pino-pretty',
        options: {
          destination: 2,
          colorize: true,
          ignore: 'pid,hostname',
          translateTime: 'HH:MM:ss.l',
        },
      },
    });
  }
  return pino(base, pino.destination({ dest: 2, sync: true }));
}

/** `ann@example.org` → `…@example.org`: what a log line may say about a subscriber's address. */
export function redactAddresses(text: string): string {
  return text.replace(/[^\s<>"'(),;:@]+@(?=[^\s<>"'@]+\.[^\s<>"'@]+)/gu, '…@');
}

import { Redis, type RedisOptions } from 'ioredis';

export type { Redis };

/**
 * One ioredis client. Workers and queues need `maxRetriesPerRequest: null` (BullMQ's blocking
 * commands must wait out a reconnect instead of failing). Never `keyPrefix`: BullMQ takes the
 * prefix through its own `prefix` option and ioredis' would apply it twice.
 */
export function createRedis(url: string, opts: RedisOptions = {}): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    connectionName: 'gazette',
    ...opts,
  });
}

class RedisUnavailableError extends Error {
  override readonly name = 'RedisUnavailableError';
}

/** Resolves once Redis answers PING; a clear error naming the URL when it does not within `timeoutMs`. */
export async function waitForRedis(redis: Redis, url: string, timeoutMs = 3000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  let lastError = '';
  const onError = (err: Error) => {
    lastError = (err as NodeJS.ErrnoException).code ?? err.message;
  };
  redis.on('error', onError);
  try {
    await Promise.race([
      redis.ping(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(
              new RedisUnavailableError(
                `cannot reach Redis at ${safeUrl(url)}${lastError ? ` (${lastError})` : ''}`,
              ),
            ),
          timeoutMs,
        );
      }),
    ]);
  } finally {
    clearTimeout(timer);
    redis.off('error', onError);
  }
}

function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}

import { Cluster, Redis as Single, type ClusterOptions, type RedisOptions } from 'ioredis';

/**
 * A connection: one server (a URL or Sentinel's primary), or a Redis Cluster. The commands are
 * the same; what differs is that a Cluster refuses a script, MULTI or pipeline whose keys are on
 * more than one slot (pipelines: more than one node), which the key layout (stores/keys.ts) sees to.
 */
export type Redis = Single | Cluster;

/** Where Redis is: one URL, a Sentinel set that names the primary of `name`, or Cluster nodes. */
export type RedisTarget =
  | { readonly kind: 'url'; readonly url: string }
  | {
      readonly kind: 'cluster';
      /** Some of the nodes: the client learns the others (and the slots) from them. */
      readonly nodes: readonly { readonly host: string; readonly port: number }[];
      readonly username?: string;
      readonly password?: string;
    }
  | {
      readonly kind: 'sentinel';
      readonly sentinels: readonly { readonly host: string; readonly port: number }[];
      readonly name: string;
      readonly username?: string;
      readonly password?: string;
      readonly sentinelPassword?: string;
      readonly db: number;
    };

/**
 * `redis+sentinel://[[user]:password@]host:port[,host:port...]/name[/db][?sentinelPassword=...]`,
 * the form several clients share. Returns a reason instead when the URL does not fit it.
 */
export function parseSentinelUrl(value: string): RedisTarget | string {
  const m =
    /^redis\+sentinel:\/\/(?:([^:@/]*)(?::([^@/]*))?@)?([^/?#]+)\/([^/?#]+)(?:\/(\d+))?\/?(?:\?([^#]*))?$/.exec(
      value.trim(),
    );
  if (!m) return 'must be redis+sentinel://[:password@]host:port[,host:port]/name[/db]';
  const [, user, password, hostList = '', name = '', db, query] = m;
  const sentinels = parseHostPorts(hostList);
  if (typeof sentinels === 'string') return sentinels;
  const params = new URLSearchParams(query ?? '');
  const unknown = [...params.keys()].filter((k) => k !== 'sentinelPassword');
  if (unknown.length) return `unknown parameter ${unknown[0]} (only sentinelPassword)`;
  return {
    kind: 'sentinel',
    sentinels,
    name: decodeURIComponent(name),
    ...(user ? { username: decodeURIComponent(user) } : {}),
    ...(password ? { password: decodeURIComponent(password) } : {}),
    ...(params.get('sentinelPassword')
      ? { sentinelPassword: params.get('sentinelPassword')! }
      : {}),
    db: db === undefined ? 0 : Number(db),
  };
}

/** `host:port,host:port` (IPv6 in brackets); a reason when one entry is not that. */
export function parseHostPorts(list: string): { host: string; port: number }[] | string {
  const out: { host: string; port: number }[] = [];
  for (const entry of list.split(',').map((s) => s.trim())) {
    const m = /^(?:\[([0-9a-fA-F:.]+)\]|([A-Za-z0-9.-]+)):(\d{1,5})$/.exec(entry);
    const port = Number(m?.[3]);
    if (!m || port < 1 || port > 65_535) return `"${entry}" is not host:port`;
    out.push({ host: m[1] ?? m[2]!, port });
  }
  return out.length ? out : 'names no host:port';
}

/** For messages and logs: the URL without its password, or the Sentinel set and the name. */
function describeRedis(target: RedisTarget | string): string {
  if (typeof target === 'string') return safeUrl(target);
  if (target.kind === 'url') return safeUrl(target.url);
  if (target.kind === 'cluster')
    return `cluster ${target.nodes.map((n) => `${n.host}:${n.port}`).join(',')}`;
  return `sentinel ${target.sentinels.map((s) => `${s.host}:${s.port}`).join(',')} (master ${target.name})`;
}

/**
 * The one factory of Redis connections: queues, workers (and BullMQ's own duplicates of them),
 * stores, the health check, rate limits. Workers and queues need `maxRetriesPerRequest: null`
 * (BullMQ's blocking commands must wait out a reconnect instead of failing). Never `keyPrefix`:
 * BullMQ takes the prefix through its own `prefix` option and ioredis' would apply it twice.
 *
 * Under Sentinel each (re)connection asks the sentinels for the current primary, and a
 * `+switch-master` they publish drops the connection at once (`failoverDetector`), so a failover
 * is followed without a restart. A command refused with READONLY (a client still on a primary
 * that was just demoted) reconnects and is sent again: the replica did not run it.
 *
 * Under Cluster, `opts` apply to the connection to each node. Reads go to primaries too
 * (`scaleReads: 'master'`): a replica's copy lags, and a delivery record read there could say
 * `queued` for a copy already sent. MOVED and ASK are followed (a resharding), and a failover is
 * seen as the refreshed slot map; meanwhile commands wait in the offline queue (CLUSTERDOWN and
 * TRYAGAIN are retried after `retryDelayOnClusterDown` / `retryDelayOnTryAgain`).
 */
export function createRedis(target: RedisTarget | string, opts: RedisOptions = {}): Redis {
  const base: RedisOptions = {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    connectionName: 'gazette',
  };
  if (typeof target === 'string' || target.kind === 'url')
    return new Single(typeof target === 'string' ? target : target.url, { ...base, ...opts });
  if (target.kind === 'cluster') return createCluster(target, { ...base, ...opts });
  return new Single({
    ...base,
    sentinels: target.sentinels.map((s) => ({ ...s })),
    name: target.name,
    role: 'master',
    username: target.username,
    password: target.password,
    sentinelPassword: target.sentinelPassword,
    db: target.db,
    failoverDetector: true,
    // The sentinels themselves down: keep asking, at most once a second.
    sentinelRetryStrategy: (attempt) => Math.min(attempt * 50, 1000),
    reconnectOnError: (err) => (err.message.startsWith('READONLY') ? 2 : false),
    ...opts,
  });
}

function createCluster(
  target: Extract<RedisTarget, { kind: 'cluster' }>,
  redisOptions: RedisOptions,
): Cluster {
  const { retryStrategy, enableOfflineQueue, lazyConnect, ...perNode } = redisOptions;
  const options: ClusterOptions = {
    scaleReads: 'master',
    enableReadyCheck: redisOptions.enableReadyCheck ?? true,
    // Fail-fast and lazy options (the health check, the test helpers) are the cluster's to
    // apply, not each node's: the cluster owns the reconnects and the offline queue.
    ...(enableOfflineQueue === undefined ? {} : { enableOfflineQueue }),
    ...(lazyConnect === undefined ? {} : { lazyConnect }),
    ...(retryStrategy === undefined ? {} : { clusterRetryStrategy: retryStrategy }),
    // A failover takes cluster-node-timeout and a vote: keep asking, a few times a second.
    retryDelayOnFailover: 200,
    retryDelayOnClusterDown: 200,
    retryDelayOnTryAgain: 100,
    redisOptions: {
      ...perNode,
      username: target.username,
      password: target.password,
    },
  };
  return new Cluster(
    target.nodes.map((n) => ({ ...n })),
    options,
  );
}

class RedisUnavailableError extends Error {
  override readonly name = 'RedisUnavailableError';
}

/** Resolves once Redis answers PING; a clear error naming where when it does not within `timeoutMs`. */
export async function waitForRedis(
  redis: Redis,
  target: RedisTarget | string,
  timeoutMs = 3000,
): Promise<void> {
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
                `cannot reach Redis at ${describeRedis(target)}${lastError ? ` (${lastError})` : ''}`,
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

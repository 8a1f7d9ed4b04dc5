import type { Redis } from '../../runtime/redis.js';
import type { Keys } from '../keys.js';
import type { Subscriber } from '../../domain/subscribers/model.js';
import { parseStatus, type SubscriberStatus } from '../../domain/subscribers/validate.js';

const CHUNK = 1000;

interface ScanOptions {
  /**
   * Remember the ids yielded so that none comes twice (the default). A caller whose writes are
   * idempotent can do without: at a million subscribers the ids alone are about 80 MB.
   */
  remember?: boolean;
}

interface Deps {
  redis: Redis;
  keys: Keys;
  getMany(ids: string[]): Promise<(Subscriber | undefined)[]>;
}

/** Reads over many subscribers, a chunk at a time so that 100,000 never sit in memory at once. */
export function createSubscriberQueries({ redis, keys, getMany }: Deps) {
  /** [id, status] in creation order, a chunk at a time. */
  async function* statuses(): AsyncGenerator<[string, string | null][]> {
    for (let start = 0; ; start += CHUNK) {
      const ids = await redis.zrange(keys.subscribersByCreated, start, start + CHUNK - 1);
      if (ids.length === 0) return;
      const pipeline = redis.pipeline();
      for (const id of ids) pipeline.hget(keys.subscriber(id), 'status');
      const rows = (await pipeline.exec()) ?? [];
      yield ids.map((id, i) => [id, (rows[i]?.[1] as string | null) ?? null]);
      if (ids.length < CHUNK) return;
    }
  }

  const present = (rows: (Subscriber | undefined)[]) =>
    rows.filter((s): s is Subscriber => s !== undefined);

  return {
    /**
     * In creation order (addresses created in the same millisecond: by id). Filtering by a status
     * walks the creation index, so it costs a pass over every subscriber before `offset + limit`.
     */
    async list(
      opts: { status?: SubscriberStatus; offset?: number; limit?: number } = {},
    ): Promise<Subscriber[]> {
      const offset = Math.max(0, opts.offset ?? 0);
      const limit = Math.max(0, opts.limit ?? 100);
      if (limit === 0) return [];
      if (!opts.status) {
        const ids = await redis.zrange(keys.subscribersByCreated, offset, offset + limit - 1);
        return present(await getMany(ids));
      }
      const wanted = parseStatus(opts.status);
      let skip = offset;
      const found: Subscriber[] = [];
      for await (const chunk of statuses()) {
        const ids = chunk.filter(([, s]) => s === wanted).map(([id]) => id);
        const take = ids.slice(Math.min(skip, ids.length), skip + limit - found.length);
        skip = Math.max(0, skip - ids.length);
        found.push(...present(await getMany(take)).filter((s) => s.status === wanted));
        if (found.length >= limit) break;
      }
      return found.slice(0, limit);
    },

    /** All, or those with one status; `active` is one SCARD, the others a pass over everyone. */
    async count(status?: SubscriberStatus): Promise<number> {
      if (!status) return redis.zcard(keys.subscribersByCreated);
      if (parseStatus(status) === 'active') return redis.scard(keys.subscribersActive);
      let n = 0;
      for await (const chunk of statuses()) n += chunk.filter(([, s]) => s === status).length;
      return n;
    },

    /**
     * Every active subscriber once, in batches of at most `batchSize` (SSCAN + pipelined HGETALL).
     * SSCAN may return an id twice while Redis resizes the set; the ids already yielded are
     * remembered (about 80 bytes each) so that nobody is mailed twice. One who becomes active
     * during the scan may or may not be included; one who leaves is not yielded after leaving.
     */
    async *scanActive(batchSize = 500, opts: ScanOptions = {}): AsyncGenerator<Subscriber[]> {
      yield* scanSet(keys.subscribersActive, batchSize, opts);
    },

    /**
     * The zones that have active subscribers ('' for those with none of their own, who read the
     * digest in DIGEST_TZ), from the zone index the subscriber scripts keep. The index is built
     * here once for data written before it existed (one pass over the active set).
     */
    async activeZones(): Promise<string[]> {
      if (!(await redis.exists(keys.subscriberZonesBuilt))) {
        for await (const batch of scanSet(keys.subscribersActive, CHUNK)) {
          const pipeline = redis.pipeline();
          for (const s of batch) {
            pipeline.sadd(keys.subscribersInZone + (s.tz ?? ''), s.id);
            pipeline.sadd(keys.subscriberZones, s.tz ?? '');
          }
          await pipeline.exec();
        }
        await redis.set(keys.subscriberZonesBuilt, '1');
      }
      return (await redis.smembers(keys.subscriberZones)).sort();
    },

    /** The active subscribers of one zone ('' = none of their own), like scanActive. */
    scanZone(zone: string, batchSize = 500, opts: ScanOptions = {}): AsyncGenerator<Subscriber[]> {
      return scanSet(keys.subscribersInZone + zone, batchSize, opts);
    },
  };

  /**
   * Every active member of a set of ids once, in batches of at most `batchSize` (SSCAN +
   * pipelined HGETALL). SSCAN may return an id twice while Redis resizes the set; the ids already
   * yielded are remembered (about 80 bytes each) so that nobody is mailed twice.
   */
  async function* scanSet(
    setKey: string,
    batchSize: number,
    { remember = true }: ScanOptions = {},
  ): AsyncGenerator<Subscriber[]> {
    const size = Math.max(1, Math.floor(batchSize));
    const seen = new Set<string>();
    let pending: string[] = [];
    let cursor = '0';
    const flush = async (ids: string[]) =>
      present(await getMany(ids)).filter((s) => s.status === 'active');
    do {
      const [next, ids] = await redis.sscan(setKey, cursor, 'COUNT', size);
      cursor = next;
      for (const id of ids) {
        if (remember) {
          if (seen.has(id)) continue;
          seen.add(id);
        }
        pending.push(id);
      }
      while (pending.length >= size || (cursor === '0' && pending.length > 0)) {
        const batch = await flush(pending.slice(0, size));
        pending = pending.slice(size);
        if (batch.length) yield batch;
      }
    } while (cursor !== '0');
  }
}

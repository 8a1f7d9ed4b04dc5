import type { Redis } from '../runtime/redis.js';
import { createKeys } from './keys.js';
import {
  DELIVERY_STATES,
  derivedIdDomain,
  toRecord,
  type DeliveryRecord,
  type DeliveryState,
  type Wire,
} from './delivery-record.js';
import { loadScript } from './scripts.js';

export { DELIVERY_STATES, type DeliveryRecord, type DeliveryState };

export interface TransitionPatch {
  lastError?: string;
  messageId?: string;
  response?: string;
  countAttempt?: boolean;
  countResend?: boolean;
  stampSent?: boolean;
  owner?: string;
  /** Refuse when the record was queued at or after this time (someone else just queued it). */
  queuedBefore?: Date;
}

/** One compare-and-set, as `transition` takes it: for several at once in `transitionMany`. */
export interface TransitionStep {
  edition: string;
  subscriber: string;
  from: readonly (DeliveryState | 'none')[];
  to: DeliveryState;
  patch?: TransitionPatch;
  now?: Date;
}

export type TransitionOutcome =
  { state: DeliveryState | 'none' | undefined; error?: undefined } | { error: Error };

/** The script is told the states in the order of its keys, so they are listed once, here. */
const STATE_LIST = DELIVERY_STATES.join(',');

/**
 * The states whose subscriber ids are also kept in a set of their own: the exceptions, few, which
 * operators list and resend. `queued` and `sent` hold nearly every record of an edition; a set
 * entry for each cost about 70 bytes a record, so they are counted in the summary and found by
 * scanning the record hash instead.
 */
const INDEXED: readonly DeliveryState[] = ['sending', 'failed', 'bounced', 'uncertain'];
const INDEXED_LIST = INDEXED.join(',');

/** What is left of an edition's delivery: kept when its records have expired. */
export interface DeliverySummary {
  counts: Record<DeliveryState, number> & { total: number };
  /** The records themselves are gone (RECORD_TTL_DAYS): the counts are the summary's. */
  expired: boolean;
  firstSentAt?: string;
  lastSentAt?: string;
}

/** From HSCAN's [id, record, id, record, …], the ids whose record is in `state`. */
function inState(pairs: string[], state: DeliveryState): string[] {
  const ids: string[] = [];
  for (let i = 0; i + 1 < pairs.length; i += 2) {
    if ((JSON.parse(pairs[i + 1]!) as Wire).s === state) ids.push(pairs[i]!);
  }
  return ids;
}

export function createDeliveryStore({
  redis,
  prefix,
  recordTtlMs = 0,
}: {
  redis: Redis;
  prefix: string;
  /** How long an edition's records live after their last write (0: for ever). */
  recordTtlMs?: number;
}) {
  const keys = createKeys(prefix, { cluster: redis.isCluster });
  const transitionScript = loadScript(redis, 'transition-delivery');
  // Two scripts a message: the keys of the editions in flight are built once, not each time.
  const keyCache = new Map<string, string[]>();
  const scriptKeys = (edition: string) => {
    let cached = keyCache.get(edition);
    if (!cached) {
      if (keyCache.size >= 64) keyCache.clear();
      cached = [
        keys.delivery(edition),
        ...DELIVERY_STATES.map((s) => keys.deliveryState(edition, s)),
        keys.deliverySummary(edition),
      ];
      keyCache.set(edition, cached);
    }
    return cached;
  };
  const scriptArgs = (step: TransitionStep): (string | number)[] => {
    const { patch = {} } = step;
    const p: Record<string, string | number> = {};
    if (patch.lastError) p.e = patch.lastError.slice(0, 500);
    if (patch.messageId) {
      const domain = derivedIdDomain(step.edition, step.subscriber, patch.messageId);
      p.m = domain ? `@${domain}` : patch.messageId;
    }
    if (patch.response) p.r = patch.response.slice(0, 300);
    if (patch.countAttempt) p.a = 1;
    if (patch.countResend) p.n = 1;
    if (patch.stampSent) p.d = 1;
    if (patch.owner) p.j = patch.owner;
    if (patch.queuedBefore) {
      p.b = patch.queuedBefore.getTime();
      p.bi = patch.queuedBefore.toISOString();
    }
    return [
      step.subscriber,
      step.from.join(','),
      step.to,
      (step.now ?? new Date()).getTime(),
      JSON.stringify(p),
      STATE_LIST,
      recordTtlMs,
      INDEXED_LIST,
    ];
  };
  const toResult = (result: unknown) => (result ?? undefined) as DeliveryState | 'none' | undefined;
  const runSteps = async (
    steps: readonly TransitionStep[],
    wait?: { replicas: number; timeoutMs: number },
  ) => {
    const pipeline = redis.pipeline();
    for (const step of steps) {
      transitionScript.queue(pipeline, scriptKeys(step.edition), scriptArgs(step));
    }
    if (wait) pipeline.wait(wait.replicas, wait.timeoutMs);
    const results = (await pipeline.exec()) ?? [];
    const outcomes: TransitionOutcome[] = steps.map((_, i) => {
      const [err, result] = results[i] ?? [new Error('no reply'), null];
      return err ? { error: err } : { state: toResult(result) };
    });
    const [waitErr, acked] = results[steps.length] ?? [null, 0];
    return { outcomes, replicas: wait && !waitErr ? Number(acked) : 0 };
  };

  /**
   * The counts by state: from the state sets while the records live, from the summary once
   * they have expired (an edition sent before summaries existed has none: zeros).
   */
  const summary = async (edition: string): Promise<DeliverySummary> => {
    const pipeline = redis.pipeline();
    pipeline.exists(keys.delivery(edition));
    pipeline.hgetall(keys.deliverySummary(edition));
    for (const s of DELIVERY_STATES) pipeline.scard(keys.deliveryState(edition, s));
    const results = (await pipeline.exec()) ?? [];
    const kept = (results[1]?.[1] ?? {}) as Record<string, string>;
    // The summary is exact from its first write on (it starts from the sets' counts); an
    // edition last written by an older version has none, and only its sets to count.
    const summarised = Object.keys(kept).length > 0;
    const expired = summarised && Number(results[0]?.[1] ?? 0) === 0;
    const counts = Object.fromEntries(
      DELIVERY_STATES.map((s, i) => [s, Number((summarised ? kept[s] : results[i + 2]?.[1]) ?? 0)]),
    ) as Record<DeliveryState, number>;
    const at = (ms: string | undefined) => (ms ? new Date(Number(ms)).toISOString() : undefined);
    const firstSentAt = at(kept.firstSent);
    const lastSentAt = at(kept.lastSent);
    return {
      counts: { ...counts, total: DELIVERY_STATES.reduce((n, s) => n + counts[s], 0) },
      expired,
      ...(firstSentAt ? { firstSentAt } : {}),
      ...(lastSentAt ? { lastSentAt } : {}),
    };
  };

  return {
    /**
     * Moves one record to `to` when it is in one of `from` ('none': no record yet).
     * Returns the state it left, or undefined when it was in none of them (someone else has it).
     */
    async transition(
      edition: string,
      subscriber: string,
      from: readonly (DeliveryState | 'none')[],
      to: DeliveryState,
      patch: TransitionPatch = {},
      now: Date = new Date(),
    ): Promise<DeliveryState | 'none' | undefined> {
      const step = { edition, subscriber, from, to, patch, now };
      return toResult(await transitionScript.run(scriptKeys(edition), scriptArgs(step)));
    },

    /**
     * Several transitions in one round trip (one write, one read), in order; each is still its
     * own compare-and-set, and each has its own outcome: the state it left, or its error.
     * Rejects only when the round trip itself failed (then none is known to have run).
     */
    async transitionMany(steps: readonly TransitionStep[]): Promise<TransitionOutcome[]> {
      return (await runSteps(steps)).outcomes;
    },

    /**
     * `transitionMany`, then `WAIT replicas timeoutMs` in the same round trip: `replicas` is how
     * many replicas acknowledged these writes and every write Redis took before them (a
     * replica's copy is a prefix of the primary's history), at most `timeoutMs` later.
     */
    async transitionManyReplicated(
      steps: readonly TransitionStep[],
      wait: { replicas: number; timeoutMs: number },
    ): Promise<{ outcomes: TransitionOutcome[]; replicas: number }> {
      return runSteps(steps, wait);
    },

    /**
     * Creates `queued` records for the subscribers that have none; returns those it created.
     * With `wait`, a `WAIT` follows in the same round trip (on the edition's node, under Cluster)
     * and it rejects unless that many replicas hold the records.
     */
    async enqueueNew(
      edition: string,
      subscribers: string[],
      now: Date = new Date(),
      wait?: { replicas: number; timeoutMs: number },
    ): Promise<string[]> {
      const pipeline = redis.pipeline();
      for (const id of subscribers) {
        const step = {
          edition,
          subscriber: id,
          from: ['none'] as const,
          to: 'queued' as const,
          now,
        };
        transitionScript.queue(pipeline, scriptKeys(edition), scriptArgs(step));
      }
      if (wait) pipeline.wait(wait.replicas, wait.timeoutMs);
      const results = (await pipeline.exec()) ?? [];
      const acked = wait ? Number(results[subscribers.length]?.[1] ?? 0) : 0;
      if (wait && acked < wait.replicas)
        throw new Error(`new records held by ${acked} of ${wait.replicas} replicas`);
      return subscribers.filter((_, i) => results[i]?.[1] === 'none');
    },

    async get(edition: string, subscriber: string): Promise<DeliveryRecord | undefined> {
      const raw = await redis.hget(keys.delivery(edition), subscriber);
      return raw ? toRecord(JSON.parse(raw) as Wire, edition, subscriber) : undefined;
    },

    async getMany(edition: string, subscribers: string[]): Promise<(DeliveryRecord | undefined)[]> {
      if (subscribers.length === 0) return [];
      const raws = await redis.hmget(keys.delivery(edition), ...subscribers);
      return raws.map((raw, i) =>
        raw ? toRecord(JSON.parse(raw) as Wire, edition, subscribers[i]!) : undefined,
      );
    },

    async counts(edition: string): Promise<Record<DeliveryState, number> & { total: number }> {
      return (await summary(edition)).counts;
    },

    summary,

    /**
     * Subscriber ids in a state, in batches, never all at once: SSCAN of the state's set, or for
     * `queued` and `sent` (which have none) HSCAN of the records, keeping those in the state.
     * Like any SCAN, an id may come twice, and a record that changes state meanwhile may be
     * missed or included: callers move records by compare-and-set, which refuses a second time.
     */
    async *scanState(edition: string, state: DeliveryState, count = 500): AsyncGenerator<string[]> {
      const indexed = INDEXED.includes(state);
      let cursor = '0';
      do {
        const [next, found] = indexed
          ? await redis.sscan(keys.deliveryState(edition, state), cursor, 'COUNT', count)
          : await redis.hscan(keys.delivery(edition), cursor, 'COUNT', count);
        cursor = next;
        const ids = indexed ? found : inState(found, state);
        if (ids.length) yield ids;
      } while (cursor !== '0');
    },
  };
}

export type DeliveryStore = ReturnType<typeof createDeliveryStore>;

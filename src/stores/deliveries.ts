import type { Redis } from '../runtime/redis.js';
import { createKeys } from './keys.js';
import {
  DELIVERY_STATES,
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

export function createDeliveryStore({ redis, prefix }: { redis: Redis; prefix: string }) {
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
      ];
      keyCache.set(edition, cached);
    }
    return cached;
  };
  const scriptArgs = (step: TransitionStep): (string | number)[] => {
    const { patch = {} } = step;
    const p: Record<string, string | number> = {};
    if (patch.lastError) p.e = patch.lastError.slice(0, 500);
    if (patch.messageId) p.m = patch.messageId;
    if (patch.response) p.r = patch.response.slice(0, 300);
    if (patch.countAttempt) p.a = 1;
    if (patch.countResend) p.n = 1;
    if (patch.stampSent) p.d = 1;
    if (patch.owner) p.j = patch.owner;
    if (patch.queuedBefore) p.b = patch.queuedBefore.toISOString();
    return [
      step.subscriber,
      step.from.join(','),
      step.to,
      (step.now ?? new Date()).toISOString(),
      JSON.stringify(p),
      STATE_LIST,
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
      return raw ? toRecord(JSON.parse(raw) as Wire) : undefined;
    },

    async getMany(edition: string, subscribers: string[]): Promise<(DeliveryRecord | undefined)[]> {
      if (subscribers.length === 0) return [];
      const raws = await redis.hmget(keys.delivery(edition), ...subscribers);
      return raws.map((raw) => (raw ? toRecord(JSON.parse(raw) as Wire) : undefined));
    },

    async counts(edition: string): Promise<Record<DeliveryState, number> & { total: number }> {
      const pipeline = redis.pipeline();
      for (const s of DELIVERY_STATES) pipeline.scard(keys.deliveryState(edition, s));
      const results = (await pipeline.exec()) ?? [];
      const counts = Object.fromEntries(
        DELIVERY_STATES.map((s, i) => [s, Number(results[i]?.[1] ?? 0)]),
      ) as Record<DeliveryState, number>;
      return { ...counts, total: DELIVERY_STATES.reduce((n, s) => n + counts[s], 0) };
    },

    /** Subscriber ids in a state, in batches (SSCAN: never the whole set at once). */
    async *scanState(edition: string, state: DeliveryState, count = 500): AsyncGenerator<string[]> {
      let cursor = '0';
      do {
        const [next, ids] = await redis.sscan(
          keys.deliveryState(edition, state),
          cursor,
          'COUNT',
          count,
        );
        cursor = next;
        if (ids.length) yield ids;
      } while (cursor !== '0');
    },
  };
}

export type DeliveryStore = ReturnType<typeof createDeliveryStore>;

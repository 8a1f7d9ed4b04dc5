/**
 * The hash tag of our keys under Redis Cluster: the prefix, or what is inside it when it is
 * already one `{tag}` (as the docs once advised for a cluster reached through one node).
 */
function clusterTag(prefix: string): string {
  return /^\{([^{}]+)\}$/.exec(prefix)?.[1] ?? prefix;
}

/** How keys are laid out: `cluster` when the connection is a Redis Cluster (`redis.isCluster`). */
export interface KeyLayout {
  cluster: boolean;
}

/**
 * BullMQ's prefix for one queue: under Cluster `{<prefix>}`, the store's own slot, so that the
 * jobs and what they write to the store (an edition, its fan-out jobs, the deliver jobs) share one
 * primary's history, as on one Redis: a failover that loses a write loses what came after it too.
 * Otherwise BullMQ's keys are `<prefix>:<queue>:…`, as they always were.
 */
export function queuePrefix(prefix: string, layout: KeyLayout): string {
  return layout.cluster ? `{${clusterTag(prefix)}}` : prefix;
}

/**
 * Every key of ours lives under `<prefix>:db:`. BullMQ's keys are `<prefix>:<queue>:…`, and no
 * queue is named `db`, so the two can never collide.
 *
 * Under Redis Cluster a script, a MULTI and a pipeline may only touch keys of one slot (ioredis
 * sends a pipeline to one node), so keys are grouped by hash tag, by what is used together:
 * - `{<prefix>}:db:…`: subscribers, articles, editions, suppressions, the audit, counters: one
 *   slot (the subscriber scripts build subscriber keys from ARGV; signup's MULTI spans two keys).
 *   BullMQ's queues share it: `{<prefix>}:<queue>:…` (queuePrefix).
 * - `{<prefix>:ed:<edition>}:…`: one edition's delivery records and state sets, which the
 *   transition script and the lanes' pipelines (with their `WAIT`) use together and nothing else
 *   does: editions spread over the primaries, and the send path's load with them (the fan-out
 *   waits for a replica before it queues a batch: jobs/fanout.ts).
 * Without a Cluster the names are what they always were, whatever the prefix.
 */
export function createKeys(prefix: string, layout: KeyLayout = { cluster: false }) {
  const tag = layout.cluster ? clusterTag(prefix) : undefined;
  const db = tag === undefined ? `${prefix}:db` : `{${tag}}:db`;
  const perEdition = (edition: string) =>
    tag === undefined ? `${db}:edition:${edition}` : `{${tag}:ed:${edition}}`;
  return {
    article: (id: string) => `${db}:article:${id}`,
    articlesByDate: `${db}:articles:by-published`,
    /** Articles processed by the article job that no edition has taken yet (zset by date). */
    articleCandidates: `${db}:articles:candidates`,
    articlesInEdition: `${db}:articles:in-edition`,
    feedVersion: `${db}:feed:version`,
    subscriber: (id: string) => `${db}:subscriber:${id}`,
    subscriberByEmail: `${db}:subscribers:by-email`,
    subscribersByCreated: `${db}:subscribers:by-created`,
    subscribersActive: `${db}:subscribers:active`,
    /** Active ids by zone ('' = none of their own, DIGEST_TZ); a prefix: the zone follows. */
    subscribersInZone: `${db}:subscribers:zone:`,
    /** The zones that have active subscribers, and the mark that the index was built. */
    subscriberZones: `${db}:subscribers:zones`,
    subscriberZonesBuilt: `${db}:subscribers:zones:built`,
    /** Unconfirmed signups from the form, by when their confirmation window ends (ms). */
    subscribersPending: `${db}:subscribers:pending-until`,
    /** Confirmation mails to one subscriber: the cooldown marker, and the count for one day. */
    confirmCooldown: (id: string) => `${db}:confirm-mail:${id}`,
    confirmDaily: (id: string, day: string) => `${db}:confirm-mails:${day}:${id}`,
    edition: (id: string) => `${db}:edition:${id}`,
    editionsByDate: `${db}:editions:by-date`,
    delivery: (edition: string) => `${perEdition(edition)}:delivery`,
    deliveryState: (edition: string, state: string) => `${perEdition(edition)}:state:${state}`,
    /** Counts by state and when it was sent: kept when the records above expire (RECORD_TTL_DAYS). */
    deliverySummary: (edition: string) => `${perEdition(edition)}:summary`,
    audit: `${db}:audit`,
    /** One receiving domain's pacing: pause, strikes, next slot (stores/scripts/pace-domain.lua). */
    pace: (domain: string) => `${db}:pace:${domain}`,
    /** The suppression list: address → why it gets no more mail (stores/suppressions.ts). */
    suppressions: `${db}:suppressions`,
    /** Inbound reports nobody could act on, newest first (stores/inbound.ts). */
    inboundKept: `${db}:inbound:kept`,
    /** ARF complaints counted against an edition. */
    editionComplaints: (edition: string) => `${db}:edition:${edition}:complaints`,
    /** Decaying soft-bounce scores by address (stores/scripts/soft-bounce.lua). */
    softBounces: `${db}:suppressions:soft-bounces`,
    /** A provider's webhook event already taken (stores/webhook-events.ts), kept for a while. */
    webhookEvent: (provider: string, id: string) => `${db}:webhook-event:${provider}:${id}`,
    /** Bounces and complaints counted as they came, `<kind>:<source>` → n, for /metrics. */
    feedbackEvents: `${db}:suppressions:events`,
    /** Refused admin attempts per client address (a prefix: the address follows). */
    adminFailures: `${db}:admin-401:`,
    /** @fastify/rate-limit's counters (a prefix: the plugin adds the route and client). */
    rateLimit: `${db}:rate-limit:`,
  } as const;
}

export type Keys = ReturnType<typeof createKeys>;

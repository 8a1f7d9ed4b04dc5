/**
 * Every key of ours lives under `<prefix>:db:`. BullMQ's keys are `<prefix>:<queue>:…`, and no
 * queue is named `db`, so the two can never collide. With a `{hash-tag}` prefix, Redis Cluster
 * keeps them all in one slot, which the Lua scripts of both need.
 */
export function createKeys(prefix: string) {
  const db = `${prefix}:db`;
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
    delivery: (edition: string) => `${db}:edition:${edition}:delivery`,
    deliveryState: (edition: string, state: string) => `${db}:edition:${edition}:state:${state}`,
    /** Counts by state and when it was sent: kept when the records above expire (RECORD_TTL_DAYS). */
    deliverySummary: (edition: string) => `${db}:edition:${edition}:summary`,
    audit: `${db}:audit`,
    /** The suppression list: address → why it gets no more mail (stores/suppressions.ts). */
    suppressions: `${db}:suppressions`,
    /** Inbound reports nobody could act on, newest first (stores/inbound.ts). */
    inboundKept: `${db}:inbound:kept`,
    /** ARF complaints counted against an edition. */
    editionComplaints: (edition: string) => `${db}:edition:${edition}:complaints`,
    /** Decaying soft-bounce scores by address (stores/scripts/soft-bounce.lua). */
    softBounces: `${db}:suppressions:soft-bounces`,
    /** Refused admin attempts per client address (a prefix: the address follows). */
    adminFailures: `${db}:admin-401:`,
    /** @fastify/rate-limit's counters (a prefix: the plugin adds the route and client). */
    rateLimit: `${db}:rate-limit:`,
  } as const;
}

export type Keys = ReturnType<typeof createKeys>;

import { editionOfMessageId } from '../domain/mail/ids.js';
import type { Subscriber } from '../domain/subscribers/model.js';
import { errorMessage } from '../runtime/errors.js';
import type { Context } from './context.js';

/**
 * The one place a bounce or a complaint changes anything: the suppression list, the subscriber
 * and the delivery record. `gazette inbound` (DSN, ARF) and the provider webhooks both come here,
 * so a bounce means the same whichever way it arrived.
 */

type Deps = Pick<Context, 'log' | 'subscribers' | 'suppressions' | 'deliveries' | 'inbound'>;

/** Whom a report is about: the address, its subscriber when we know them, the edition it answers. */
export interface Recipient {
  email: string;
  sub?: Subscriber | undefined;
  editionId?: string | undefined;
}

/** What one bounce or complaint did. */
export type AppliedOutcome =
  | { kind: 'bounced'; email: string; subscriberId?: string; editionId?: string }
  | { kind: 'complained'; email: string; subscriberId?: string; editionId?: string }
  | { kind: 'ignored'; why: string };

interface Report {
  /** Where it came from: `dsn`, `arf`, or the provider of a webhook. */
  source: string;
  detail: string;
  now: Date;
}

/** Gmail's and Yahoo's line for bulk senders is 0.3%; warn well before it. */
const COMPLAINT_WARN_RATE = 0.001;

/** By address, with the edition our Message-ID names (domain/mail/ids.ts), when it is ours. */
export async function matchByAddress(
  deps: Pick<Deps, 'subscribers'>,
  email: string,
  messageId: string | undefined,
): Promise<Recipient> {
  const sub = await deps.subscribers.findByEmail(email);
  const editionId = editionOfMessageId(messageId);
  return { email, ...(sub ? { sub } : {}), ...(editionId ? { editionId } : {}) };
}

const who = (m: Recipient) => ({
  email: m.email,
  ...(m.sub ? { subscriberId: m.sub.id } : {}),
  ...(m.editionId ? { editionId: m.editionId } : {}),
});

/**
 * A hard bounce suppresses the address, marks the subscriber bounced and the edition's record
 * `bounced`. A soft one counts towards the decaying soft-bounce score and suppresses only past
 * its limit (stores/suppressions.ts).
 */
export async function applyBounce(
  deps: Deps,
  m: Recipient,
  kind: 'hard' | 'soft',
  r: Report,
): Promise<AppliedOutcome> {
  if (kind === 'soft') {
    const soft = await deps.suppressions.softBounce(m.email, r.source, {
      detail: r.detail,
      now: r.now,
    });
    if (soft.suppressed && m.sub) await deps.subscribers.markBounced(m.sub.id, r.now);
    return { kind: 'ignored', why: `soft bounce ${r.detail}, score ${soft.score}` };
  }
  await deps.suppressions.add(m.email, 'hard-bounce', r.source, { detail: r.detail, now: r.now });
  if (m.sub) {
    await deps.subscribers.markBounced(m.sub.id, r.now);
    if (m.editionId) {
      await deps.deliveries
        .transition(m.editionId, m.sub.id, ['sent', 'uncertain'], 'bounced', {
          lastError: `${r.source.toUpperCase()}: ${r.detail}`,
        })
        .catch((err: unknown) =>
          deps.log.warn({ err: errorMessage(err) }, `${r.source}: record not updated`),
        );
    }
  }
  deps.log.info(
    { email: m.email, edition: m.editionId, source: r.source, detail: r.detail },
    'bounce: suppressed',
  );
  return { kind: 'bounced', ...who(m) };
}

/**
 * A complaint suppresses at once and marks the reader `complained`: whoever calls our mail spam must
 * not get the next edition. Counted against the edition, with a warning past 0.1%.
 */
export async function applyComplaint(deps: Deps, m: Recipient, r: Report): Promise<AppliedOutcome> {
  await deps.suppressions.add(m.email, 'complaint', r.source, { detail: r.detail, now: r.now });
  if (m.sub) await deps.subscribers.markComplained(m.sub.id, r.now);
  if (m.editionId) {
    const complaints = await deps.inbound.countComplaint(m.editionId);
    const c = await deps.deliveries.counts(m.editionId);
    const rate = complaints / Math.max(1, c.sent + c.bounced);
    if (rate > COMPLAINT_WARN_RATE)
      deps.log.warn(
        { edition: m.editionId, complaints, rate },
        'complaints passed 0.1% of an edition: receivers start filtering at 0.3%',
      );
  }
  deps.log.info(
    { email: m.email, edition: m.editionId, source: r.source },
    'complaint: suppressed',
  );
  return { kind: 'complained', ...who(m) };
}

import { parseVerpAddress } from '../domain/mail/verp.js';
import { bounceKind, parseReport, type InboundReport } from '../domain/mail/reports.js';
import { MalformedReportError, errorMessage } from '../runtime/errors.js';
import type { Context } from './context.js';

export interface InboundEnvelope {
  from: string;
  to: string[];
}

/** What one inbound message did. */
export type InboundOutcome =
  | { kind: 'bounced'; email: string; subscriberId?: string; editionId?: string }
  | { kind: 'complained'; email: string; subscriberId?: string; editionId?: string }
  | { kind: 'ignored'; why: string }
  | { kind: 'kept'; why: string };

type Deps = Pick<
  Context,
  'config' | 'log' | 'subscribers' | 'suppressions' | 'deliveries' | 'inbound'
>;

/** Gmail's and Yahoo's line for bulk senders is 0.3%; warn well before it. */
const COMPLAINT_WARN_RATE = 0.001;

/** `<32 hex>.<edition>@domain` (domain/mail/ids.ts) → the edition. */
function editionOfMessageId(messageId: string | undefined): string | undefined {
  return messageId ? /^<[0-9a-f]{32}\.([^@]+)@/.exec(messageId)?.[1] : undefined;
}

/**
 * One DSN or ARF report: matched by its VERP token (the address it came to, or the returned
 * Return-Path), else by the address it names and the edition in the returned Message-ID; then the
 * suppression list, the subscriber and the delivery record are updated. A report that cannot be
 * read or matched is kept for an operator, never thrown: the listener must keep running.
 */
export async function handleInbound(
  deps: Deps,
  raw: Buffer,
  envelope: InboundEnvelope,
  now: Date = new Date(),
): Promise<InboundOutcome[]> {
  const keep = async (why: string): Promise<InboundOutcome[]> => {
    deps.log.warn({ why, from: envelope.from, to: envelope.to }, 'inbound report kept');
    await deps.inbound.keep({
      at: now.toISOString(),
      reason: why,
      from: envelope.from,
      to: envelope.to,
      excerpt: raw.subarray(0, 4000).toString('latin1'),
    });
    return [{ kind: 'kept', why }];
  };
  let report: InboundReport;
  try {
    report = parseReport(raw);
  } catch (err) {
    if (err instanceof MalformedReportError) return keep(`malformed: ${err.message}`);
    throw err;
  }
  const verp = [...envelope.to, report.original.returnPath ?? '']
    .map((a) => parseVerpAddress(a, deps.config.secret))
    .find(Boolean);

  /** Who the report is about: the VERP pair, else the named address and the Message-ID's edition. */
  const match = async (email: string | undefined) => {
    if (verp) {
      const sub = await deps.subscribers.get(verp.subscriberId);
      return { editionId: verp.editionId, sub, email: email ?? sub?.email };
    }
    const sub = email ? await deps.subscribers.findByEmail(email) : undefined;
    return { editionId: editionOfMessageId(report.original.messageId), sub, email };
  };

  if (report.kind === 'arf') {
    if (report.feedbackType === 'not-spam') return [{ kind: 'ignored', why: 'not-spam feedback' }];
    const m = await match(report.originalRcptTo);
    if (!m.email) return keep('complaint names no recipient we know');
    await deps.suppressions.add(m.email, 'complaint', 'arf', {
      detail: `Feedback-Type: ${report.feedbackType}`,
      now,
    });
    if (m.sub) await deps.subscribers.markComplained(m.sub.id, now);
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
    deps.log.info({ email: m.email, edition: m.editionId }, 'complaint: suppressed');
    return [
      {
        kind: 'complained',
        email: m.email,
        ...(m.sub ? { subscriberId: m.sub.id } : {}),
        ...(m.editionId ? { editionId: m.editionId } : {}),
      },
    ];
  }

  const outcomes: InboundOutcome[] = [];
  for (const r of report.recipients) {
    const kind = bounceKind(r);
    if (kind === undefined) {
      // Delayed, delivered or relayed notices are no bounce.
      outcomes.push({ kind: 'ignored', why: `${r.action} ${r.status}` });
      continue;
    }
    const m = await match(r.finalRecipient);
    if (kind === 'soft' && m.email) {
      const soft = await deps.suppressions.softBounce(m.email, 'dsn', {
        detail: `${r.status}${r.diagnostic ? ` ${r.diagnostic}` : ''}`,
        now,
      });
      if (soft.suppressed && m.sub) await deps.subscribers.markBounced(m.sub.id, now);
      outcomes.push({ kind: 'ignored', why: `soft bounce ${r.status}, score ${soft.score}` });
      continue;
    }
    if (!m.email) {
      outcomes.push(...(await keep(`bounce for no recipient we know (${r.status})`)));
      continue;
    }
    const detail = `${r.status}${r.diagnostic ? ` ${r.diagnostic}` : ''}`;
    await deps.suppressions.add(m.email, 'hard-bounce', 'dsn', { detail, now });
    if (m.sub) {
      await deps.subscribers.markBounced(m.sub.id, now);
      if (m.editionId) {
        await deps.deliveries
          .transition(m.editionId, m.sub.id, ['sent', 'uncertain'], 'bounced', {
            lastError: `DSN: ${detail}`,
          })
          .catch((err: unknown) =>
            deps.log.warn({ err: errorMessage(err) }, 'inbound: record not updated'),
          );
      }
    }
    deps.log.info({ email: m.email, edition: m.editionId, status: r.status }, 'bounce: suppressed');
    outcomes.push({
      kind: 'bounced',
      email: m.email,
      ...(m.sub ? { subscriberId: m.sub.id } : {}),
      ...(m.editionId ? { editionId: m.editionId } : {}),
    });
  }
  return outcomes;
}

import { parseVerpAddress } from '../domain/mail/verp.js';
import { bounceKind, parseReport, type InboundReport } from '../domain/mail/reports.js';
import { MalformedReportError } from '../runtime/errors.js';
import { applyBounce, applyComplaint, matchByAddress, type AppliedOutcome } from './bounces.js';
import type { Context } from './context.js';

export interface InboundEnvelope {
  from: string;
  to: string[];
}

/** What one inbound message did. */
export type InboundOutcome = AppliedOutcome | { kind: 'kept'; why: string };

type Deps = Pick<
  Context,
  'config' | 'log' | 'subscribers' | 'suppressions' | 'deliveries' | 'inbound'
>;

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
    return email ? matchByAddress(deps, email, report.original.messageId) : {};
  };

  if (report.kind === 'arf') {
    if (report.feedbackType === 'not-spam') return [{ kind: 'ignored', why: 'not-spam feedback' }];
    const m = await match(report.originalRcptTo);
    if (!m.email) return keep('complaint names no recipient we know');
    return [
      await applyComplaint(
        deps,
        { ...m, email: m.email },
        {
          source: 'arf',
          detail: `Feedback-Type: ${report.feedbackType}`,
          now,
        },
      ),
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
    if (!m.email) {
      outcomes.push(...(await keep(`bounce for no recipient we know (${r.status})`)));
      continue;
    }
    const detail = `${r.status}${r.diagnostic ? ` ${r.diagnostic}` : ''}`;
    outcomes.push(
      await applyBounce(deps, { ...m, email: m.email }, kind, { source: 'dsn', detail, now }),
    );
  }
  return outcomes;
}

import type { ProviderBatch } from '../domain/webhooks/events.js';
import { applyBounce, applyComplaint, matchByAddress, type AppliedOutcome } from './bounces.js';
import type { Context } from './context.js';

type Deps = Pick<
  Context,
  'log' | 'subscribers' | 'suppressions' | 'deliveries' | 'inbound' | 'webhookEvents'
>;

export interface WebhookResult {
  /** Batches taken now. */
  applied: number;
  /** Batches seen before (a provider's retry): nothing done again. */
  duplicates: number;
  outcomes: AppliedOutcome[];
}

/**
 * A provider's events, each batch once by its id: matched by address and the edition our
 * Message-ID names, then the same apply step as a DSN or an ARF report (operations/bounces.ts).
 * When a batch fails half-way its id is released, so the provider's retry does it again; what
 * was done before the failure is done again harmlessly (every step sets, none adds, save the
 * soft-bounce score and the complaint count).
 */
export async function applyWebhookEvents(
  deps: Deps,
  provider: string,
  batches: readonly ProviderBatch[],
  now: Date = new Date(),
): Promise<WebhookResult> {
  const result: WebhookResult = { applied: 0, duplicates: 0, outcomes: [] };
  for (const batch of batches) {
    if (!(await deps.webhookEvents.claim(provider, batch.id))) {
      deps.log.info({ provider, id: batch.id }, 'webhook event seen before: skipped');
      result.duplicates++;
      continue;
    }
    try {
      for (const e of batch.events) {
        if (e.kind === 'ignored' || !e.email) {
          result.outcomes.push({ kind: 'ignored', why: `${provider}: ${e.detail}` });
          continue;
        }
        const m = await matchByAddress(deps, e.email, e.messageId);
        const report = { source: provider, detail: e.detail, now };
        result.outcomes.push(
          e.kind === 'complaint'
            ? await applyComplaint(deps, m, report)
            : await applyBounce(deps, m, e.kind === 'hard-bounce' ? 'hard' : 'soft', report),
        );
      }
    } catch (err) {
      await deps.webhookEvents.release(provider, batch.id);
      throw err;
    }
    result.applied++;
  }
  return result;
}

import { describe, expect, it } from 'vitest';
import { createKeys, queuePrefix } from '../../src/stores/keys.js';

/** Redis Cluster's hash tag of a key: what is between the first `{` and the next `}`, if not empty. */
const hashTag = (key: string) => /^[^{]*\{([^}]+)\}/.exec(key)?.[1] ?? key;

describe('key layout', () => {
  it('keeps the names single-Redis and Sentinel users already have, braces or not', () => {
    const k = createKeys('gazette');
    expect(k.subscribersActive).toBe('gazette:db:subscribers:active');
    expect(k.delivery('2026-12-01')).toBe('gazette:db:edition:2026-12-01:delivery');
    expect(k.deliveryState('2026-12-01', 'sent')).toBe('gazette:db:edition:2026-12-01:state:sent');
    expect(queuePrefix('gazette', { cluster: false })).toBe('gazette');
    expect(createKeys('{gazette}').delivery('e1')).toBe('{gazette}:db:edition:e1:delivery');
    expect(queuePrefix('{gazette}', { cluster: false })).toBe('{gazette}');
  });

  it('under Cluster: the store and the queues on one tag, each edition on one of its own', () => {
    expect(createKeys('{gazette}', { cluster: true }).delivery('e1')).toBe(
      createKeys('gazette', { cluster: true }).delivery('e1'),
    );
    const k = createKeys('gazette', { cluster: true });
    const store = [
      k.subscriber('s1'),
      k.subscriberByEmail,
      k.subscribersActive,
      `${k.subscribersInZone}Europe/Paris`,
      k.edition('e1'),
      k.articleCandidates,
      k.audit,
      k.suppressions,
      k.editionComplaints('e1'),
    ].map(hashTag);
    expect(new Set(store)).toEqual(new Set(['gazette']));
    const e1 = [k.delivery('e1'), k.deliveryState('e1', 'failed'), k.deliverySummary('e1')];
    expect(new Set(e1.map(hashTag))).toEqual(new Set(['gazette:ed:e1']));
    expect(hashTag(k.delivery('e2'))).toBe('gazette:ed:e2');
    expect(hashTag(`${queuePrefix('gazette', { cluster: true })}:deliver:wait`)).toBe('gazette');
  });
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvalidSubscriberError, NotFoundError } from '../../src/runtime/errors.js';
import { createKeys } from '../../src/stores/keys.js';
import {
  createSubscriberStore,
  prepareSubscriber,
  type SubscriberStore,
} from '../../src/stores/subscribers/index.js';
import { testRedis, type TestRedis } from '../helpers/redis.js';

describe('subscriber store', () => {
  let t: TestRedis;
  let store: SubscriberStore;
  let keys: ReturnType<typeof createKeys>;
  const t0 = new Date('2026-11-20T08:00:00.000Z');
  const later = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);

  /** The active set must hold exactly the ids whose record says active. */
  const expectActiveSetExact = async () => {
    const all = await store.list({ limit: 10_000 });
    const active = all.filter((s) => s.status === 'active').map((s) => s.id);
    expect((await t.redis.smembers(keys.subscribersActive)).sort()).toEqual(active.sort());
  };

  beforeEach(() => {
    t = testRedis('subs');
    store = createSubscriberStore({ redis: t.redis, prefix: t.prefix });
    keys = createKeys(t.prefix);
  });
  afterEach(() => t.cleanup());

  it('creates a pending subscriber with a random 16-hex id, normalised fields and indexes', async () => {
    const { subscriber: s, created } = await store.add(
      { email: ' Ann@Example.COM ', name: ' Ann\r\nLee ', tz: 'europe/paris' },
      t0,
    );
    expect(created).toBe(true);
    expect(s).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{16}$/),
      email: 'ann@example.com',
      name: 'Ann Lee',
      tz: 'Europe/Paris',
      status: 'pending',
      createdAt: t0.toISOString(),
      changedAt: t0.toISOString(),
    });
    expect(await store.get(s.id)).toEqual(s);
    expect(await store.findByEmail('ANN@example.com')).toEqual(s);
    expect(await t.redis.hget(keys.subscriberByEmail, 'ann@example.com')).toBe(s.id);
    expect(await t.redis.zscore(keys.subscribersByCreated, s.id)).toBe(String(t0.getTime()));
    expect(await t.redis.sismember(keys.subscribersActive, s.id)).toBe(0);
  });

  it('is idempotent on the address: same id and createdAt; name and tz updated when given', async () => {
    const first = (await store.add({ email: 'bo@example.com', status: 'active' }, t0)).subscriber;
    const again = await store.add({ email: 'BO@example.com' }, later(1));
    expect(again).toMatchObject({ created: false, outcome: 'unchanged', subscriber: first });

    const named = await store.add({ email: 'bo@example.com', name: 'Bo', tz: 'UTC' }, later(2));
    expect(named.outcome).toBe('updated');
    expect(named.subscriber).toEqual({
      ...first,
      name: 'Bo',
      tz: 'UTC',
      changedAt: later(2).toISOString(),
    });
    // Not given is not "clear it"; and an explicit status on an existing address changes nothing.
    const kept = await store.add({ email: 'bo@example.com', status: 'pending' }, later(3));
    expect(kept.subscriber).toEqual(named.subscriber);
    expect(await store.count()).toBe(1);
  });

  it('makes one subscriber of 20 concurrent adds of one address', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        store.add({ email: i % 2 ? 'race@example.com' : 'RACE@example.com', status: 'active' }),
      ),
    );
    expect(new Set(results.map((r) => r.subscriber.id)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(await store.count()).toBe(1);
    expect(await t.redis.hlen(keys.subscriberByEmail)).toBe(1);
    expect(await t.redis.scard(keys.subscribersActive)).toBe(1);
  });

  it('refuses bad input with InvalidSubscriberError and stores nothing', async () => {
    await expect(store.add({ email: 'nobody' })).rejects.toThrow(InvalidSubscriberError);
    await expect(store.add({ email: 'a@example.com', tz: 'Mars/Base' })).rejects.toThrow(
      /invalid time zone "Mars\/Base"/,
    );
    await expect(store.add({ email: 'a@example.com', name: 'x'.repeat(101) })).rejects.toThrow(
      /limit is 100/,
    );
    expect(await store.count()).toBe(0);
  });

  it('moves through the statuses, idempotently, keeping the active set exact', async () => {
    const { id } = (await store.add({ email: 'cy@example.com' }, t0)).subscriber;
    const other = (await store.add({ email: 'dee@example.com', status: 'active' }, t0)).subscriber;

    expect((await store.confirm(id, later(1))).status).toBe('active');
    const confirmed = await store.confirm(id, later(2));
    expect(confirmed.changedAt).toBe(later(1).toISOString());
    await expectActiveSetExact();

    expect((await store.unsubscribe(id, later(3))).status).toBe('unsubscribed');
    expect((await store.unsubscribe(id, later(4))).changedAt).toBe(later(3).toISOString());
    await expectActiveSetExact();

    // A stale confirmation link and a late bounce leave an unsubscribe as it is.
    expect((await store.confirm(id)).status).toBe('unsubscribed');
    expect((await store.markBounced(id)).status).toBe('unsubscribed');
    expect((await store.markBounced(other.id)).status).toBe('bounced');
    expect((await store.confirm(other.id)).status).toBe('bounced');
    await expectActiveSetExact();

    expect((await store.resubscribe(id)).status).toBe('pending');
    expect((await store.resubscribe(other.id, 'active')).status).toBe('active');
    expect((await store.setStatus(id, 'active')).status).toBe('active');
    await expectActiveSetExact();
    expect(await store.count('active')).toBe(2);

    await expect(store.confirm('0000000000000000')).rejects.toThrow(NotFoundError);
    await expect(store.setStatus(id, 'gone' as 'active')).rejects.toThrow(InvalidSubscriberError);
    expect(await t.redis.exists(keys.subscriber('0000000000000000'))).toBe(0);
  });

  it('never re-activates an unsubscribed or bounced address by add or addMany', async () => {
    const u = (await store.add({ email: 'u@example.com', status: 'active' })).subscriber;
    const b = (await store.add({ email: 'b@example.com', status: 'active' })).subscriber;
    await store.unsubscribe(u.id, later(1));
    await store.markBounced(b.id, later(1));

    const again = await store.add(
      { email: 'u@example.com', name: 'U', status: 'active' },
      later(2),
    );
    expect(again.subscriber).toMatchObject({ id: u.id, status: 'unsubscribed', name: 'U' });
    const rows = ['u@example.com', 'b@example.com'].map((email) =>
      prepareSubscriber({ email, name: 'Imported' }, 'active'),
    );
    expect(await store.addMany(rows, later(3))).toEqual(['skipped', 'skipped']);
    expect((await store.get(u.id))?.name).toBe('U');
    expect((await store.get(b.id))?.status).toBe('bounced');
    await expectActiveSetExact();
  });

  it('sets and clears the time zone and name', async () => {
    const { id } = (await store.add({ email: 'tz@example.com', tz: 'UTC' }, t0)).subscriber;
    expect(await store.setTimeZone(id, 'asia/tokyo', later(1))).toMatchObject({
      tz: 'Asia/Tokyo',
      changedAt: later(1).toISOString(),
    });
    expect((await store.setTimeZone(id, null)).tz).toBeNull();
    await expect(store.setTimeZone(id, 'Nowhere/Else')).rejects.toThrow(InvalidSubscriberError);
    expect((await store.setName(id, ' Tess ')).name).toBe('Tess');
    await expect(store.setTimeZone('ffffffffffffffff', 'UTC')).rejects.toThrow(NotFoundError);
  });

  it('remove erases the record and every index, and says so once', async () => {
    const { id } = (await store.add({ email: 'gone@example.com', status: 'active' })).subscriber;
    const kept = (await store.add({ email: 'kept@example.com', status: 'active' })).subscriber;
    expect((await store.remove(' GONE@example.com '))?.id).toBe(id);
    expect(await store.remove('gone@example.com')).toBeUndefined();
    expect(await t.redis.exists(keys.subscriber(id))).toBe(0);
    expect(await t.redis.hget(keys.subscriberByEmail, 'gone@example.com')).toBeNull();
    expect(await t.redis.zscore(keys.subscribersByCreated, id)).toBeNull();
    expect(await t.redis.sismember(keys.subscribersActive, id)).toBe(0);
    expect(await store.findByEmail('gone@example.com')).toBeUndefined();
    expect((await store.list()).map((s) => s.id)).toEqual([kept.id]);
    // Added again after an erasure, the address is a new subscriber.
    const back = await store.add({ email: 'gone@example.com' });
    expect(back.created).toBe(true);
    expect(back.subscriber.id).not.toBe(id);
  });

  it('lists in creation order, by status, with offset and limit; counts', async () => {
    const emails = Array.from(
      { length: 12 },
      (_, i) => `p${String(i).padStart(2, '0')}@example.com`,
    );
    for (const [i, email] of emails.entries()) {
      const { subscriber } = await store.add({ email, status: 'active' }, later(i));
      if (i % 3 === 0) await store.unsubscribe(subscriber.id);
    }
    expect((await store.list()).map((s) => s.email)).toEqual(emails);
    expect((await store.list({ offset: 10, limit: 5 })).map((s) => s.email)).toEqual(
      emails.slice(10),
    );
    const unsub = emails.filter((_, i) => i % 3 === 0);
    expect((await store.list({ status: 'unsubscribed' })).map((s) => s.email)).toEqual(unsub);
    expect(
      (await store.list({ status: 'active', offset: 2, limit: 3 })).map((s) => s.email),
    ).toEqual(emails.filter((_, i) => i % 3 !== 0).slice(2, 5));
    expect(await store.count()).toBe(12);
    expect(await store.count('active')).toBe(8);
    expect(await store.count('unsubscribed')).toBe(4);
    expect(await store.count('pending')).toBe(0);
    expect(await store.getMany(['nope', (await store.list({ limit: 1 }))[0]!.id])).toEqual([
      undefined,
      expect.objectContaining({ email: emails[0] }),
    ]);
  });

  it('scanActive yields each active subscriber exactly once, in bounded batches', async () => {
    const rows = Array.from({ length: 2500 }, (_, i) =>
      prepareSubscriber({ email: `s${i}@example.com` }, i % 5 === 0 ? 'pending' : 'active'),
    );
    for (let i = 0; i < rows.length; i += 500) await store.addMany(rows.slice(i, i + 500));
    const seen: string[] = [];
    for await (const batch of store.scanActive(300)) {
      expect(batch.length).toBeGreaterThan(0);
      expect(batch.length).toBeLessThanOrEqual(300);
      for (const s of batch) {
        expect(s.status).toBe('active');
        seen.push(s.email);
      }
    }
    expect(seen).toHaveLength(2000);
    expect(new Set(seen).size).toBe(2000);
    const small: string[] = [];
    const one = createSubscriberStore({ redis: t.redis, prefix: `${t.prefix}:small` });
    await one.add({ email: 'only@example.com', status: 'active' });
    for await (const batch of one.scanActive(10)) small.push(...batch.map((s) => s.email));
    expect(small).toEqual(['only@example.com']);
  });

  describe('the zone index (local-time sends read one zone, not everyone)', () => {
    /** The index must hold exactly the active ids by their zone ('' = none of their own). */
    const expectZonesExact = async () => {
      const all = await store.list({ limit: 10_000 });
      const want = new Map<string, string[]>();
      for (const s of all.filter((x) => x.status === 'active')) {
        want.set(s.tz ?? '', [...(want.get(s.tz ?? '') ?? []), s.id].sort());
      }
      expect((await store.activeZones()).sort()).toEqual([...want.keys()].sort());
      for (const [zone, ids] of want) {
        expect((await t.redis.smembers(keys.subscribersInZone + zone)).sort()).toEqual(ids);
      }
    };
    const zoneOf = async (zone: string) => {
      const out: string[] = [];
      for await (const batch of store.scanZone(zone, 2)) out.push(...batch.map((x) => x.email));
      return out.sort();
    };

    it('follows every add, zone change, status change and removal', async () => {
      const { subscriber: ann } = await store.add({
        email: 'ann@example.com',
        tz: 'Europe/Paris',
        status: 'active',
      });
      await store.add({ email: 'bob@example.com', status: 'active' });
      await store.addMany([
        prepareSubscriber({ email: 'cy@example.com', tz: 'Asia/Tokyo', status: 'active' }),
        prepareSubscriber({ email: 'di@example.com', tz: 'Asia/Tokyo', status: 'pending' }),
      ]);
      await expectZonesExact();
      expect(await zoneOf('Asia/Tokyo')).toEqual(['cy@example.com']);
      expect(await zoneOf('')).toEqual(['bob@example.com']);

      await store.setTimeZone(ann.id, 'Asia/Tokyo');
      await expectZonesExact();
      expect(await zoneOf('Asia/Tokyo')).toEqual(['ann@example.com', 'cy@example.com']);
      expect(await store.activeZones()).not.toContain('Europe/Paris');

      await store.unsubscribe(ann.id);
      await expectZonesExact();
      await store.resubscribe(ann.id, 'active');
      await store.setTimeZone(ann.id, null);
      await expectZonesExact();
      expect(await zoneOf('')).toEqual(['ann@example.com', 'bob@example.com']);

      const di = await store.findByEmail('di@example.com');
      await store.confirm(di!.id);
      await store.add({ email: 'bob@example.com', tz: 'America/Lima' });
      await store.remove('cy@example.com');
      await expectZonesExact();
      expect(await zoneOf('Asia/Tokyo')).toEqual(['di@example.com']);
      expect(await zoneOf('America/Lima')).toEqual(['bob@example.com']);
    });

    it('is built once from the active set for data written before it existed', async () => {
      await store.add({ email: 'ann@example.com', tz: 'Europe/Paris', status: 'active' });
      await store.add({ email: 'bob@example.com', status: 'active' });
      // As an older version left Redis: no zone sets, no mark.
      const zoneKeys = await t.redis.keys(`${keys.subscribersInZone}*`);
      await t.redis.del(...zoneKeys, keys.subscriberZones);
      expect(await store.activeZones()).toEqual(['', 'Europe/Paris']);
      expect(await t.redis.get(keys.subscriberZonesBuilt)).toBe('1');
      await expectZonesExact();
    });
  });
});

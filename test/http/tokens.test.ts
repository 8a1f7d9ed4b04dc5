import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signToken, type TokenPurpose } from '../../src/domain/mail/tokens.js';
import type { Subscriber } from '../../src/stores/subscribers/index.js';
import { TEST_SECRET } from '../helpers/pipeline.js';
import { testApp, type TestApp } from '../helpers/http.js';

describe('links with bad tokens: 4xx pages, never 500, never a change', () => {
  let a: TestApp;
  let pending: Subscriber;
  let active: Subscriber;
  const sign = (sub: string, purpose: TokenPurpose, exp?: number) =>
    signToken({ sub, purpose, ...(exp === undefined ? {} : { exp }) }, TEST_SECRET);

  beforeAll(async () => {
    a = await testApp();
    ({ subscriber: pending } = await a.t.ctx.subscribers.add({ email: 'p@example.org' }));
    ({ subscriber: active } = await a.t.ctx.subscribers.add({
      email: 'a@example.org',
      status: 'active',
      tz: 'Asia/Tokyo',
    }));
  });
  afterAll(async () => a?.close());

  const statuses = async () =>
    Promise.all(
      [pending, active].map(async (s) => {
        const now = await a.t.ctx.subscribers.get(s.id);
        return [now?.status, now?.tz, now?.changedAt];
      }),
    );

  const hostile = (purpose: TokenPurpose, id: string): [string, string | undefined, number[]][] => {
    const good = sign(id, purpose);
    const [payload, mac] = good.split('.') as [string, string];
    const otherPurpose: TokenPurpose = purpose === 'unsubscribe' ? 'preferences' : 'unsubscribe';
    return [
      ['missing', undefined, [400]],
      ['empty', '', [400]],
      [
        'forged with another secret',
        signToken({ sub: id, purpose }, 'another-secret-that-is-long-enough-x'),
        [400],
      ],
      ['truncated', good.slice(0, -5), [400]],
      ['signature only', `.${mac}`, [400]],
      [
        'payload of another subscriber',
        `${sign('0000000000000000', purpose).split('.')[0]}.${mac}`,
        [400],
      ],
      ['a third part', `${payload}.${mac}.x`, [400]],
      ['not base64', `${payload}!!.${mac}`, [400]],
      ['huge', 'a'.repeat(5000), [400, 414]],
      ['for another purpose', sign(id, otherPurpose), [400]],
      ['expired', sign(id, purpose, Math.floor(Date.now() / 1000) - 60), [400]],
      ['unknown subscriber', sign('ffffffffffffffff', purpose), [404]],
    ];
  };

  for (const [method, path, purpose] of [
    ['GET', '/confirm', 'confirm'],
    ['GET', '/unsubscribe', 'unsubscribe'],
    ['POST', '/unsubscribe', 'unsubscribe'],
    ['GET', '/preferences', 'preferences'],
    ['POST', '/preferences', 'preferences'],
  ] as const) {
    it(`${method} ${path}`, async () => {
      const before = await statuses();
      for (const id of [pending.id, active.id]) {
        for (const [label, token, expected] of hostile(purpose, id)) {
          const url = token === undefined ? path : `${path}?token=${encodeURIComponent(token)}`;
          const res = await a.app.inject({
            method,
            url,
            ...(method === 'POST'
              ? {
                  headers: { 'content-type': 'application/x-www-form-urlencoded' },
                  payload: 'List-Unsubscribe=One-Click&tz=Europe%2FParis',
                }
              : {}),
          });
          expect(expected, `${label}: ${res.statusCode} ${res.body.slice(0, 200)}`).toContain(
            res.statusCode,
          );
          if (res.statusCode !== 414)
            expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
        }
      }
      expect(await statuses()).toEqual(before);
    });
  }

  it('a reader who complained (ARF) is told, by their unsubscribe link, that they get no more mail', async () => {
    const { subscriber } = await a.t.ctx.subscribers.add({
      email: 'c@example.org',
      status: 'active',
    });
    await a.t.ctx.subscribers.markComplained(subscriber.id);
    const page = await a.app.inject({
      url: `/unsubscribe?token=${sign(subscriber.id, 'unsubscribe')}`,
    });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('You are not subscribed');
    expect(page.body).not.toContain('<form');
  });

  it('a confirmation token does not unsubscribe, an unsubscribe token does not confirm', async () => {
    const before = await statuses();
    const conf = await a.app.inject({ url: `/confirm?token=${sign(pending.id, 'unsubscribe')}` });
    expect(conf.statusCode).toBe(400);
    expect(conf.body).toContain('This link is not valid');
    const unsub = await a.app.inject({
      method: 'POST',
      url: `/unsubscribe?token=${sign(active.id, 'confirm', Date.now() / 1000 + 60)}`,
    });
    expect(unsub.statusCode).toBe(400);
    const expired = await a.app.inject({ url: `/confirm?token=${sign(pending.id, 'confirm', 1)}` });
    expect(expired.body).toContain('This link has expired');
    expect(await statuses()).toEqual(before);
  });

  it('GET never changes state; POST /preferences saves a valid zone and refuses anything else', async () => {
    const before = await statuses();
    const token = sign(active.id, 'preferences');
    for (const url of [
      `/unsubscribe?token=${sign(active.id, 'unsubscribe')}`,
      `/preferences?token=${token}&tz=Europe%2FParis`,
    ]) {
      expect((await a.app.inject({ url })).statusCode).toBe(200);
    }
    expect(await statuses()).toEqual(before);

    const page = await a.app.inject({ url: `/preferences?token=${token}` });
    expect(page.body).toMatch(/<option value="Asia\/Tokyo"\s*selected\s*>/);
    const post = (tz: string) =>
      a.app.inject({
        method: 'POST',
        url: `/preferences?token=${token}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ tz }).toString(),
      });
    for (const bad of ['Mars/Olympus_Mons', '+02:00', '<script>', 'x'.repeat(500)]) {
      const res = await post(bad);
      expect(res.statusCode).toBe(400);
      expect(res.body).not.toContain('<script>');
    }
    expect((await a.t.ctx.subscribers.get(active.id))?.tz).toBe('Asia/Tokyo');
    expect((await post('america/new_york')).statusCode).toBe(200);
    expect((await a.t.ctx.subscribers.get(active.id))?.tz).toBe('America/New_York');
    const reset = await post('');
    expect(reset.body).toContain('the default zone (UTC)');
    expect((await a.t.ctx.subscribers.get(active.id))?.tz).toBeNull();
  });

  it('the public copy of an edition links to these pages without a token: a friendly 400, not an error', async () => {
    for (const url of ['/unsubscribe', '/preferences']) {
      const res = await a.app.inject({ url });
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain('Open the link from your email again');
    }
  });
});

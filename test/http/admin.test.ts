import { afterEach, describe, expect, it } from 'vitest';
import { waitForEdition } from '../../src/operations/progress.js';
import { ADMIN_TOKEN, testApp, type TestApp } from '../helpers/http.js';

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const basic = (user: string, password: string) => ({
  authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
});

describe('admin routes', () => {
  let a: TestApp;
  afterEach(async () => a?.close());

  it('do not exist without ADMIN_TOKEN', async () => {
    a = await testApp();
    for (const url of ['/admin/queues', '/admin/editions/x', '/admin/audit']) {
      expect((await a.app.inject({ url, headers: bearer(ADMIN_TOKEN) })).statusCode).toBe(404);
    }
    expect(
      (await a.app.inject({ method: 'POST', url: '/admin/resend', payload: {} })).statusCode,
    ).toBe(404);
  });

  it('401 with WWW-Authenticate without the token or with a wrong one, on the API and every Bull Board path', async () => {
    a = await testApp({ ADMIN_TOKEN }, { adminFailures: { max: 10_000 } });
    const wrong = [
      {},
      bearer('wrong-token-0123456789-0123456789'),
      bearer(`${ADMIN_TOKEN}x`),
      bearer(ADMIN_TOKEN.slice(0, -1)),
      { authorization: ADMIN_TOKEN },
      { authorization: `Token ${ADMIN_TOKEN}` },
      basic(ADMIN_TOKEN, ''),
      { authorization: 'Bearer' },
    ];
    const requests = [
      { method: 'POST' as const, url: '/admin/resend', payload: { edition: 'x' } },
      { method: 'GET' as const, url: '/admin/editions/x' },
      { method: 'GET' as const, url: '/admin/audit' },
      { method: 'GET' as const, url: '/admin/queues' },
      { method: 'GET' as const, url: '/admin/queues/queue/deliver' },
      { method: 'GET' as const, url: '/admin/queues/api/queues' },
      { method: 'PUT' as const, url: '/admin/queues/api/queues/deliver/retry/failed' },
      { method: 'GET' as const, url: '/admin/queues/static/css/nothing.css' },
      { method: 'GET' as const, url: '/admin/anything-else' },
    ];
    for (const req of requests) {
      for (const headers of wrong) {
        const res = await a.app.inject({ ...req, headers });
        expect(res.statusCode, `${req.method} ${req.url} ${JSON.stringify(headers)}`).toBe(401);
        expect(res.headers['www-authenticate']).toEqual([
          'Bearer realm="gazette-admin"',
          'Basic realm="gazette-admin", charset="UTF-8"',
        ]);
        expect(res.body).not.toContain('bull');
      }
    }
  });

  it('with the token: Bull Board (page, assets, API), a resend that is queued and audited, the records by state', async () => {
    a = await testApp({ ADMIN_TOKEN });
    const board = await a.app.inject({ url: '/admin/queues', headers: bearer(ADMIN_TOKEN) });
    expect(board.statusCode).toBe(200);
    expect(board.headers['content-type']).toMatch(/^text\/html/);
    expect(board.headers['content-security-policy']).toContain("script-src 'self'");
    const css = /href="(static\/css\/[^"]+)"/.exec(board.body)?.[1];
    expect(css).toBeDefined();
    // A browser: Basic with the token as the password, which it repeats on the page's own requests.
    const asset = await a.app.inject({
      url: `/admin/queues/${css}`,
      headers: basic('ops', ADMIN_TOKEN),
    });
    expect(asset.statusCode).toBe(200);
    const api = await a.app.inject({
      url: '/admin/queues/api/queues',
      headers: basic('', ADMIN_TOKEN),
    });
    expect(api.statusCode).toBe(200);
    expect(
      (JSON.parse(api.body) as { queues: { name: string }[] }).queues.map((q) => q.name).sort(),
    ).toEqual(['deliver', 'edition', 'fanout']);

    // One edition delivered to two readers (outbox transport).
    await a.t.addSubscribers(2);
    const { editionId } = await a.deliverEdition();

    const report = await a.app.inject({
      url: `/admin/editions/${editionId}?state=sent`,
      headers: bearer(ADMIN_TOKEN),
    });
    expect(report.statusCode).toBe(200);
    const body = JSON.parse(report.body);
    expect(body.editions[0]).toMatchObject({
      id: editionId,
      deliveries: { sent: 2, total: 2 },
    });
    expect(body.records.list.map((r: { email: string }) => r.email).sort()).toEqual([
      'reader0@example.org',
      'reader1@example.org',
    ]);
    expect(body.records.list[0]).toMatchObject({ state: 'sent', attempts: 1 });

    const res = await a.app.inject({
      method: 'POST',
      url: '/admin/resend',
      headers: bearer(ADMIN_TOKEN),
      payload: { edition: editionId, to: 'reader1@example.org', reason: 'lost in a filter' },
    });
    expect(res.statusCode).toBe(202);
    expect(JSON.parse(res.body)).toEqual({
      editionId: editionId,
      mode: 'to-one',
      recipients: 1,
      batches: 1,
    });
    const progress = await waitForEdition(a.t.ctx, editionId, {
      timeoutMs: 15_000,
      intervalMs: 50,
    });
    expect(progress).toMatchObject({ sent: 2 });
    const audit = JSON.parse(
      (await a.app.inject({ url: '/admin/audit', headers: bearer(ADMIN_TOKEN) })).body,
    );
    expect(audit.entries[0]).toMatchObject({
      action: 'resend',
      editionId: editionId,
      mode: 'to-one',
      recipients: 1,
      reason: 'lost in a filter',
      actor: 'admin-api',
    });
    const ids = await a.t.ctx.subscribers.findByEmail('reader1@example.org');
    expect((await a.t.ctx.deliveries.get(editionId, ids!.id))?.resends).toBe(1);
  });

  it('bad resend requests are 4xx JSON, never 500', async () => {
    a = await testApp({ ADMIN_TOKEN });
    const post = (payload: unknown) =>
      a.app.inject({
        method: 'POST',
        url: '/admin/resend',
        headers: bearer(ADMIN_TOKEN),
        payload: payload as object,
      });
    expect((await post({})).statusCode).toBe(400);
    // No filter at all is no longer "everyone": that needs saying.
    const unsaid = await post({ edition: 'e1' });
    expect(unsaid.statusCode).toBe(400);
    expect(JSON.parse(unsaid.body).message).toMatch(/mode "everyone"/);
    expect((await post({ edition: 'e1', mode: 'failed', to: 'a@example.org' })).statusCode).toBe(
      400,
    );
    expect((await post({ edition: 'e1', mode: 'to-one' })).statusCode).toBe(400);
    expect((await post({ edition: 'e1', mode: 'all' })).statusCode).toBe(400);
    expect((await post({ edition: '../x' })).statusCode).toBe(400);
    expect((await post({ edition: 'e1', to: 'a@example.org', failed: true })).statusCode).toBe(400);
    const missing = await post({ edition: 'no-such-edition', mode: 'everyone' });
    expect(missing.statusCode).toBe(404);
    expect(JSON.parse(missing.body)).toMatchObject({ error: 'not_found' });
    expect(
      (await a.app.inject({ url: '/admin/editions/nope', headers: bearer(ADMIN_TOKEN) }))
        .statusCode,
    ).toBe(404);
  });

  describe('cross-site writes (CSRF)', () => {
    const form = (edition: string) => `edition=${edition}&mode=everyone`;
    let editionId: string;
    const audit = async () =>
      JSON.parse((await a.app.inject({ url: '/admin/audit', headers: bearer(ADMIN_TOKEN) })).body)
        .entries as unknown[];

    it('refuse a form post, Basic credentials without proof of origin, and any other site', async () => {
      a = await testApp({ ADMIN_TOKEN, SITE_URL: 'https://news.example.org' });
      await a.t.addSubscribers(2);
      ({ editionId } = await a.deliverEdition());
      const refused = [
        // What a page on another site makes a browser send: a form, with the cached Basic login.
        {
          headers: {
            ...basic('ops', ADMIN_TOKEN),
            'content-type': 'application/x-www-form-urlencoded',
            origin: 'https://evil.example',
            'sec-fetch-site': 'cross-site',
          },
          payload: form(editionId),
          status: 403,
        },
        // An older browser without Sec-Fetch-*, or a page that hides its Origin.
        {
          headers: { ...basic('ops', ADMIN_TOKEN), 'content-type': 'application/json' },
          payload: JSON.stringify({ edition: editionId, mode: 'everyone' }),
          status: 403,
        },
        {
          headers: {
            ...basic('ops', ADMIN_TOKEN),
            'content-type': 'application/json',
            origin: 'null',
          },
          payload: JSON.stringify({ edition: editionId, mode: 'everyone' }),
          status: 403,
        },
        {
          headers: {
            ...bearer(ADMIN_TOKEN),
            'content-type': 'application/json',
            'sec-fetch-site': 'same-site',
          },
          payload: JSON.stringify({ edition: editionId, mode: 'everyone' }),
          status: 403,
        },
        // The bearer token from a script or curl, but a form body: JSON only.
        {
          headers: { ...bearer(ADMIN_TOKEN), 'content-type': 'application/x-www-form-urlencoded' },
          payload: form(editionId),
          status: 415,
        },
        {
          headers: { ...bearer(ADMIN_TOKEN), 'content-type': 'text/plain' },
          payload: JSON.stringify({ edition: editionId, mode: 'everyone' }),
          status: 415,
        },
      ];
      for (const r of refused) {
        const res = await a.app.inject({ method: 'POST', url: '/admin/resend', ...r });
        expect(res.statusCode, JSON.stringify(r.headers)).toBe(r.status);
      }
      // Bull Board's own writes are PUTs: the same rule.
      const put = await a.app.inject({
        method: 'PUT',
        url: '/admin/queues/api/queues/deliver/retry/failed',
        headers: { ...basic('ops', ADMIN_TOKEN), 'sec-fetch-site': 'cross-site' },
      });
      expect(put.statusCode).toBe(403);
      expect(await audit()).toEqual([]);

      // From our own page (same origin), Basic is fine; so is the bearer token from curl.
      for (const headers of [
        {
          ...basic('ops', ADMIN_TOKEN),
          origin: 'https://news.example.org',
          'sec-fetch-site': 'same-origin',
        },
        { ...basic('ops', ADMIN_TOKEN), origin: 'http://localhost:80' },
        bearer(ADMIN_TOKEN),
      ]) {
        const res = await a.app.inject({
          method: 'POST',
          url: '/admin/resend',
          headers: { ...headers, 'content-type': 'application/json' },
          payload: JSON.stringify({ edition: editionId, mode: 'failed' }),
        });
        expect(res.statusCode, JSON.stringify(headers)).toBe(202);
      }
      expect(await audit()).toHaveLength(3);
    });
  });

  it('an address that keeps guessing the token waits, even with the right one at last', async () => {
    a = await testApp({ ADMIN_TOKEN }, { adminFailures: { max: 5, windowSeconds: 60 } });
    for (let i = 0; i < 5; i++) {
      const res = await a.app.inject({
        url: '/admin/audit',
        headers: bearer(`guess-${i}-0123456789abcdef`),
      });
      expect(res.statusCode).toBe(401);
    }
    const blocked = await a.app.inject({ url: '/admin/audit', headers: bearer(ADMIN_TOKEN) });
    expect(blocked.statusCode).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    // Another address is not affected.
    const other = await a.app.inject({
      url: '/admin/audit',
      headers: bearer(ADMIN_TOKEN),
      remoteAddress: '10.0.0.7',
    });
    expect(other.statusCode).toBe(200);
  });
});

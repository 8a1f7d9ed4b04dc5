import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, testApp, type TestApp } from '../helpers/http.js';

const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
const json = { ...auth, 'content-type': 'application/json' };

describe('admin API: the suppression list', () => {
  let a: TestApp;
  afterEach(async () => a?.close());

  it('lists (paged), adds and removes, behind the admin token and the cross-site check', async () => {
    a = await testApp({ ADMIN_TOKEN });
    const inject = a.app.inject.bind(a.app);

    // Without the token nothing is said, listed or changed.
    expect((await inject({ url: '/admin/suppressions' })).statusCode).toBe(401);
    const anon = await inject({
      method: 'POST',
      url: '/admin/suppressions',
      headers: { 'content-type': 'application/json' },
      payload: { email: 'a@example.org' },
    });
    expect(anon.statusCode).toBe(401);
    expect(
      (await inject({ method: 'DELETE', url: '/admin/suppressions/a@example.org' })).statusCode,
    ).toBe(401);

    const add = (payload: unknown, headers: Record<string, string> = json) =>
      inject({
        method: 'POST',
        url: '/admin/suppressions',
        headers,
        payload: JSON.stringify(payload),
      });
    const created = await add({ email: ' Reader0@Example.ORG ', note: 'asked by phone' });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({
      email: 'reader0@example.org',
      reason: 'manual',
      source: 'admin',
      detail: 'asked by phone',
    });
    expect((await add({ email: 'reader1@example.org', reason: 'complaint' })).statusCode).toBe(201);
    expect((await add({ email: 'reader2@example.org', reason: 'hard-bounce' })).statusCode).toBe(
      201,
    );

    // Refused, each with what was wrong.
    const badEmail = await add({ email: 'not-an-address' });
    expect(badEmail.statusCode).toBe(400);
    expect(badEmail.json().message).toMatch(/invalid email address "not-an-address": it has no @/);
    const badReason = await add({ email: 'x@example.org', reason: 'because' });
    expect(badReason.statusCode).toBe(400);
    expect(badReason.json().message).toMatch(/reason/);
    expect((await add({})).json().message).toMatch(/email/);
    // A form cannot post it, and another site's page cannot make a browser do so.
    const form = await inject({
      method: 'POST',
      url: '/admin/suppressions',
      headers: { ...auth, 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'email=x%40example.org',
    });
    expect(form.statusCode).toBe(415);
    expect(
      (await add({ email: 'x@example.org' }, { ...json, origin: 'https://evil.example' }))
        .statusCode,
    ).toBe(403);
    const crossDelete = await inject({
      method: 'DELETE',
      url: '/admin/suppressions/reader0@example.org',
      headers: { ...auth, 'sec-fetch-site': 'cross-site' },
    });
    expect(crossDelete.statusCode).toBe(403);

    // Paged, newest first (the same second: then by address).
    const page = async (q: string) =>
      (await inject({ url: `/admin/suppressions${q}`, headers: auth })).json();
    const all = await page('');
    expect(all).toMatchObject({ total: 3, offset: 0, limit: 100 });
    expect(all.entries).toHaveLength(3);
    const first = await page('?limit=2');
    const second = await page('?limit=2&offset=2');
    expect(
      [...first.entries, ...second.entries].map((e: { email: string }) => e.email).sort(),
    ).toEqual(['reader0@example.org', 'reader1@example.org', 'reader2@example.org']);
    expect(second.entries).toHaveLength(1);
    const badPage = await inject({ url: '/admin/suppressions?limit=0', headers: auth });
    expect(badPage.statusCode).toBe(400);
    expect(badPage.json().message).toMatch(/limit/);

    const removed = await inject({
      method: 'DELETE',
      url: '/admin/suppressions/reader1@example.org',
      headers: auth,
    });
    expect(removed.statusCode).toBe(200);
    expect(removed.json()).toEqual({ removed: 'reader1@example.org' });
    const again = await inject({
      method: 'DELETE',
      url: '/admin/suppressions/reader1@example.org',
      headers: auth,
    });
    expect(again.statusCode).toBe(404);
    expect((await a.t.ctx.suppressions.list()).map((s) => s.email).sort()).toEqual([
      'reader0@example.org',
      'reader2@example.org',
    ]);
  });
});

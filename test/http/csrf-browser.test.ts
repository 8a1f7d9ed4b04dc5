import { createServer, type Server } from 'node:http';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAudit } from '../../src/operations/resend.js';
import { launchChromium } from '../helpers/chromium.js';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp.js';
import { ADMIN_TOKEN, freePort, testApp, type TestApp } from '../helpers/http.js';

/**
 * The attack of issue 10, in a real browser: an operator who logged into Bull Board (Basic
 * credentials cached) visits another site whose page submits a form to /admin/resend. Before the
 * fix Chromium sent the credentials along and the edition went to the whole list again.
 */
describe('a cross-site form against the admin API (headless Chromium)', () => {
  let browser: Browser;
  let a: TestApp;
  let sink: SmtpSink;
  let evil: Server;
  let evilOrigin: string;
  let editionId: string;

  beforeAll(async () => {
    browser = await launchChromium();
    sink = await startSmtpSink();
    a = await testApp({ SMTP_URL: sink.url, ADMIN_TOKEN }, { port: await freePort() });
    await a.listen();
    await a.t.addSubscribers(3);
    ({ editionId } = await a.deliverEdition());
    // Another site: `localhost` is not the same site as `127.0.0.1` to a browser.
    const target = `${a.origin}/admin/resend`;
    evil = createServer((_req, res) => {
      res.setHeader('content-type', 'text/html; charset=utf-8');
      res.end(`<!doctype html><title>Win a prize</title>
<form id="f" method="post" action="${target}">
  <input name="edition" value="${editionId}"><input name="mode" value="everyone">
</form>
<script>document.getElementById('f').submit()</script>`);
    });
    const port = await freePort();
    await new Promise<void>((resolve) => evil.listen(port, '127.0.0.1', resolve));
    evilOrigin = `http://localhost:${port}`;
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    evil?.close();
    await a?.close();
    await sink?.close();
  });

  it('is refused with the operator logged in, and sends nothing', async () => {
    expect(sink.received).toHaveLength(3);
    const context = await browser.newContext({
      httpCredentials: { username: 'ops', password: ADMIN_TOKEN },
    });
    const page = await context.newPage();
    // The operator looks at the queues: the browser now holds the Basic credentials.
    expect((await page.goto(`${a.origin}/admin/queues`))?.status()).toBe(200);

    // A 401 challenge may come first, before the browser retries with the credentials.
    const answered = page.waitForResponse(
      (r) => r.url().endsWith('/admin/resend') && r.status() !== 401,
      { timeout: 20_000 },
    );
    await page.goto(`${evilOrigin}/`);
    const response = await answered;
    const headers = await response.request().allHeaders();

    // The browser did carry the credentials, and said where the request came from.
    expect(headers.authorization).toMatch(/^Basic /);
    expect(headers['sec-fetch-site']).toBe('cross-site');
    expect(response.status()).toBe(403);

    // Nothing was queued, audited or sent.
    await new Promise((r) => setTimeout(r, 500));
    expect(await readAudit(a.t.ctx, 10)).toEqual([]);
    expect(sink.received).toHaveLength(3);
    const counts = await a.t.ctx.deliveries.counts(editionId);
    expect(counts).toMatchObject({ sent: 3, queued: 0, sending: 0 });

    // The operator's own page still can (same origin, JSON), so the guard is no blanket refusal.
    const own = await page.goto(`${a.origin}/admin/queues`);
    expect(own?.status()).toBe(200);
    const status = await page.evaluate(
      async ([edition]) =>
        (
          await fetch('/admin/resend', {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ edition, to: 'reader1@example.org', reason: 'test' }),
          })
        ).status,
      [editionId],
    );
    expect(status).toBe(202);
    await context.close();
  });
});

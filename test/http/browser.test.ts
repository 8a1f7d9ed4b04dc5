import { simpleParser } from 'mailparser';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../helpers/chromium.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp.js';
import {
  ADMIN_TOKEN,
  eventually,
  freePort,
  linkTo,
  testApp,
  type TestApp,
} from '../helpers/http.js';

/**
 * A person in a real browser: subscribes through the form, confirms from the mail, gets a
 * digest, opens "view in browser", and leaves through the unsubscribe page's button. No script
 * runs on our pages; a CSP violation on any of them fails the test.
 */
describe('in a browser (headless Chromium)', () => {
  let browser: Browser;
  let a: TestApp;
  let sink: SmtpSink;

  beforeAll(async () => {
    // Never a silent skip: CI installs Chromium (.ci/run), and a machine without it must say so.
    browser = await launchChromium();
    sink = await startSmtpSink();
    a = await testApp({ SMTP_URL: sink.url, ADMIN_TOKEN }, { port: await freePort() });
    await a.listen();
  }, 30_000);
  afterAll(async () => {
    await browser?.close();
    await a?.close();
    await sink?.close();
  });

  it('subscribe with the form, confirm from the mail, leave with the unsubscribe page', async () => {
    const page = await browser.newPage();
    const violations: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') violations.push(m.text());
    });
    page.on('response', (r) => {
      if (r.status() >= 400) violations.push(`${r.status()} ${r.url()}`);
    });

    await page.goto(`${a.origin}/`);
    await page.getByLabel('Email address').fill('reader@example.org');
    await page.getByLabel('Name').fill('Robin');
    await page.getByRole('button', { name: 'Subscribe' }).click();
    await page.waitForURL(`${a.origin}/subscribe`);
    expect(await page.locator('h1').textContent()).toBe('Check your inbox');
    expect(await page.getByRole('status').textContent()).toContain('confirm the subscription');

    await eventually(() => (sink.received.length === 1 ? true : undefined));
    const confirmation = await simpleParser(sink.received[0]!.raw);
    const confirmUrl = linkTo(confirmation.html as string, '/confirm?token=');
    expect(confirmUrl.startsWith(`${a.origin}/confirm?token=`)).toBe(true);
    // The link shows a button; only pressing it (a POST) confirms, so scanners confirm nothing.
    await page.goto(confirmUrl);
    expect(await page.locator('h1').textContent()).toBe('Confirm your subscription');
    expect((await a.t.ctx.subscribers.findByEmail('reader@example.org'))?.status).toBe('pending');
    await page.getByRole('button', { name: 'Confirm my subscription' }).click();
    await page.waitForURL(`${a.origin}/confirm`);
    expect(await page.locator('h1').textContent()).toBe('You are subscribed');
    const sub = (await a.t.ctx.subscribers.findByEmail('reader@example.org'))!;
    expect(sub).toMatchObject({ status: 'active', name: 'Robin' });

    // The next edition reaches them; its links lead back here.
    const { editionId } = await a.deliverEdition();
    expect(sink.received).toHaveLength(2);
    const digest = await simpleParser(sink.received[1]!.raw);
    const digestHtml = digest.html as string;

    await page.goto(linkTo(digestHtml, `/editions/${editionId}`));
    expect(await page.content()).toContain('The harbour reopened on Monday');

    const unsubscribeUrl = linkTo(digestHtml, '/unsubscribe?token=');
    const response = await page.goto(unsubscribeUrl);
    expect(response?.status()).toBe(200);
    expect(await page.locator('h1').textContent()).toBe('Unsubscribe');
    // Looking at the page changed nothing.
    expect((await a.t.ctx.subscribers.get(sub.id))?.status).toBe('active');
    await page.getByRole('button', { name: 'Unsubscribe' }).click();
    await page.waitForURL(/\/unsubscribe\?token=/);
    expect(await page.locator('h1').textContent()).toBe('You are unsubscribed');
    expect((await a.t.ctx.subscribers.get(sub.id))?.status).toBe('unsubscribed');

    expect(violations).toEqual([]);
    await page.close();
  });

  it('an operator sees the queues in Bull Board with the token; a browser without it gets a 401', async () => {
    // Without credentials the browser gives up on the Basic challenge: the page never shows.
    const anonymous = await browser.newContext();
    expect((await anonymous.request.get(`${a.origin}/admin/queues`)).status()).toBe(401);
    await expect((await anonymous.newPage()).goto(`${a.origin}/admin/queues`)).rejects.toThrow(
      /ERR_INVALID_AUTH_CREDENTIALS/,
    );
    await anonymous.close();

    // A browser answers the Basic challenge; the token is the password, any user name will do.
    const context = await browser.newContext({
      httpCredentials: { username: 'ops', password: ADMIN_TOKEN },
    });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (m) => {
      // Bull Board asks Google for a font; this machine has no DNS for it. Anything else counts.
      if (m.type() === 'error' && !m.text().includes('ERR_NAME_NOT_RESOLVED'))
        problems.push(m.text());
    });
    page.on('response', (r) => {
      if (r.status() >= 400) problems.push(`${r.status()} ${r.url()}`);
    });
    expect((await page.goto(`${a.origin}/admin/queues`))?.status()).toBe(200);
    for (const queue of ['edition', 'fanout', 'deliver']) {
      await page
        .getByRole('link', { name: queue, exact: true })
        .first()
        .waitFor({ timeout: 10_000 });
    }
    expect(problems).toEqual([]);
    await context.close();
  });
});

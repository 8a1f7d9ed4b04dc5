import { simpleParser } from 'mailparser';
import { afterEach, describe, expect, it } from 'vitest';
import { recipientLinks } from '../../src/domain/mail/links.js';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp.js';
import { eventually, linkTo, testApp, type TestApp } from '../helpers/http.js';

const form = (body: Record<string, string>) => ({
  method: 'POST' as const,
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  payload: new URLSearchParams(body).toString(),
});
const pathOf = (url: string) => url.slice(url.indexOf('/', 'https://'.length));

/** What a person does with the link: open the page, then press its button (a form POST). */
async function confirmVia(a: TestApp, path: string) {
  const page = await a.app.inject({ url: path });
  const token = /<input type="hidden" name="token" value="([^"]+)"/.exec(page.body)?.[1];
  if (!token) return page;
  return a.app.inject({ url: '/confirm', ...form({ token }) });
}

describe('subscription: double opt-in and one-click unsubscribe', () => {
  let a: TestApp;
  let sink: SmtpSink;
  afterEach(async () => {
    await a?.close();
    await sink?.close();
  });

  it('subscribe → confirmation mail at a real SMTP server → confirm → active; one-click unsubscribe → left out of the next edition', async () => {
    sink = await startSmtpSink();
    a = await testApp({ SMTP_URL: sink.url });
    const { subscribers } = a.t.ctx;

    const res = await a.app.inject({
      url: '/subscribe',
      ...form({ email: 'Ana@Example.org', name: 'Ana' }),
    });
    expect(res.statusCode).toBe(202);
    expect(res.body).toContain('Check your inbox');
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(res.headers['referrer-policy']).toBe('same-origin');
    const pending = await eventually(() => subscribers.findByEmail('ana@example.org'));
    expect(pending).toMatchObject({ status: 'pending', name: 'Ana' });

    await eventually(() => (sink.received.length === 1 ? true : undefined));
    const [msg] = sink.received;
    expect(msg!.to).toEqual(['ana@example.org']);
    expect(msg!.from).toBe('digest@news.example');
    const mail = await simpleParser(msg!.raw);
    expect(mail.subject).toBe('Confirm your subscription to Gazette');
    expect(mail.messageId).toMatch(/^<[0-9a-f]{32}\.confirm@news\.example>$/);
    expect(mail.headers.get('content-type')).toMatchObject({ value: 'multipart/alternative' });
    expect(mail.html).toContain('Confirm my subscription');
    const confirmUrl = linkTo(mail.text!, '/confirm?token=');
    expect(linkTo(mail.html as string, '/confirm?token=')).toBe(confirmUrl);
    expect(confirmUrl.startsWith('https://news.example/confirm?token=')).toBe(true);

    // The To: is the address alone: a name typed into the form is not shown before confirming.
    expect(mail.headers.get('to')).toMatchObject({ text: 'ana@example.org' });

    // Opening the link (as a scanner does, GET or HEAD) shows a button and changes nothing.
    const shown = await a.app.inject({ url: pathOf(confirmUrl) });
    expect(shown.statusCode).toBe(200);
    expect(shown.body).toMatch(/<form method="post" action="\/confirm">/);
    expect((await a.app.inject({ method: 'HEAD', url: pathOf(confirmUrl) })).statusCode).toBe(200);
    expect((await subscribers.get(pending!.id))?.status).toBe('pending');
    const confirmed = await confirmVia(a, pathOf(confirmUrl));
    expect(confirmed.statusCode).toBe(200);
    expect(confirmed.body).toContain('You are subscribed');
    expect((await subscribers.get(pending!.id))?.status).toBe('active');
    // Opening the link again is harmless.
    const again = await a.app.inject({ url: pathOf(confirmUrl) });
    expect(again.statusCode).toBe(200);
    expect(again.body).toContain('already confirmed');

    // A second reader stays, to show that the edition still goes out.
    const { subscriber: bo } = await subscribers.add({ email: 'bo@example.org', status: 'active' });
    const links = recipientLinks(a.t.config, pending!.id);
    const page = await a.app.inject({ url: pathOf(links.unsubscribeUrl) });
    expect(page.statusCode).toBe(200);
    expect(page.body).toMatch(/<form method="post" action="\/unsubscribe\?token=[^"]+"/);
    expect((await subscribers.get(pending!.id))?.status).toBe('active');

    // RFC 8058: exactly what a mailbox provider posts, with no cookie and no redirect followed.
    const oneClick = await a.app.inject({
      method: 'POST',
      url: pathOf(links.unsubscribeUrl),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'List-Unsubscribe=One-Click',
    });
    expect(oneClick.statusCode).toBe(200);
    expect(oneClick.headers.location).toBeUndefined();
    expect(oneClick.headers['set-cookie']).toBeUndefined();
    expect((await subscribers.get(pending!.id))?.status).toBe('unsubscribed');
    // RFC 8058's own example is multipart/form-data; and a second click changes nothing.
    const boundary = '---FormBoundaryjWmhtjORrn';
    const multipart = await a.app.inject({
      method: 'POST',
      url: pathOf(links.unsubscribeUrl),
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      payload: `--${boundary}\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--${boundary}--\r\n`,
    });
    expect(multipart.statusCode).toBe(200);
    expect((await subscribers.get(pending!.id))?.status).toBe('unsubscribed');

    const { progress } = await a.deliverEdition();
    expect(progress).toMatchObject({ sent: 1, failed: 0 });
    expect(sink.received.slice(1).map((m) => m.to)).toEqual([[bo.email]]);
  });

  it('answers the same for a new, pending, active and unsubscribed address; mails only those who need a link', async () => {
    sink = await startSmtpSink();
    a = await testApp({ SMTP_URL: sink.url }, { confirmCooldownMs: 60_000 });
    const { subscribers } = a.t.ctx;
    const { subscriber: active } = await subscribers.add({
      email: 'active@example.org',
      name: 'Keep',
      status: 'active',
    });
    const { subscriber: gone } = await subscribers.add({
      email: 'gone@example.org',
      status: 'active',
    });
    await subscribers.unsubscribe(gone.id);

    const answers = [];
    for (const email of [
      'new@example.org',
      'new@example.org',
      'active@example.org',
      'gone@example.org',
    ]) {
      const res = await a.app.inject({ url: '/subscribe', ...form({ email, name: 'Mallory' }) });
      const json = await a.app.inject({
        method: 'POST',
        url: '/subscribe',
        headers: { accept: 'application/json' },
        payload: { email },
      });
      answers.push([res.statusCode, res.body, json.statusCode, json.body]);
    }
    expect(new Set(answers.map((x) => JSON.stringify(x))).size).toBe(1);
    expect(answers[0]![2]).toBe(202);

    // new: one mail (the repeats fall in the cooldown); active: none; unsubscribed: one, to come back.
    await eventually(() => (sink.received.length >= 2 ? true : undefined));
    await new Promise((r) => setTimeout(r, 300));
    expect(sink.received.map((m) => m.to[0]).sort()).toEqual([
      'gone@example.org',
      'new@example.org',
    ]);
    // A form never edits a known subscriber, and an unsubscribed one stays so until they confirm.
    expect(await subscribers.get(active.id)).toMatchObject({ status: 'active', name: 'Keep' });
    expect((await subscribers.get(gone.id))?.status).toBe('unsubscribed');

    const goneMail = await simpleParser(
      sink.received.find((m) => m.to[0] === 'gone@example.org')!.raw,
    );
    const backPath = pathOf(linkTo(goneMail.text!, '/confirm?token='));
    // A scanner opening the link someone else asked for does not bring them back.
    await a.app.inject({ url: backPath });
    await a.app.inject({ method: 'HEAD', url: backPath });
    expect((await subscribers.get(gone.id))?.status).toBe('unsubscribed');
    const back = await confirmVia(a, backPath);
    expect(back.statusCode).toBe(200);
    expect((await subscribers.get(gone.id))?.status).toBe('active');
  });

  it('an old confirmation link cannot undo a later unsubscribe', async () => {
    sink = await startSmtpSink();
    a = await testApp({ SMTP_URL: sink.url });
    await a.app.inject({ url: '/subscribe', ...form({ email: 'ana@example.org' }) });
    await eventually(() => (sink.received.length === 1 ? true : undefined));
    const confirmPath = pathOf(
      linkTo((await simpleParser(sink.received[0]!.raw)).text!, '/confirm?token='),
    );
    expect((await confirmVia(a, confirmPath)).statusCode).toBe(200);
    const sub = (await a.t.ctx.subscribers.findByEmail('ana@example.org'))!;
    expect(sub.status).toBe('active');
    // Unsubscribed a second later than the link was made.
    await a.t.ctx.subscribers.unsubscribe(sub.id, new Date(Date.now() + 2000));
    const stale = await a.app.inject({ url: confirmPath });
    expect(stale.statusCode).toBe(409);
    const token = new URL(confirmPath, 'http://x').searchParams.get('token')!;
    expect((await a.app.inject({ url: '/confirm', ...form({ token }) })).statusCode).toBe(409);
    expect((await a.t.ctx.subscribers.get(sub.id))?.status).toBe('unsubscribed');
  });

  it('refuses a malformed address with a 400 page, and rate-limits POST /subscribe per client', async () => {
    a = await testApp({}, { subscribeRateLimit: { max: 5, timeWindow: 60_000 } });
    const bad = await a.app.inject({ url: '/subscribe', ...form({ email: 'not an address' }) });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('does not look like an email address');
    expect(bad.body).toContain('<form method="post" action="/subscribe">');
    const longName = await a.app.inject({
      url: '/subscribe',
      ...form({ email: 'name@example.org', name: 'N'.repeat(101) }),
    });
    expect(longName.statusCode).toBe(400);
    expect(longName.body).toContain('shorten the name');
    const utf8 = await a.app.inject({ url: '/subscribe', ...form({ email: 'josé@example.org' }) });
    expect(utf8.statusCode).toBe(400);
    const missing = await a.app.inject({ method: 'POST', url: '/subscribe', payload: {} });
    expect(missing.statusCode).toBe(400);
    expect(JSON.parse(missing.body)).toMatchObject({ error: 'invalid_email' });
    const third = await a.app.inject({ url: '/subscribe', ...form({ email: 'x@example.org' }) });
    expect(third.statusCode).toBe(202);
    const limited = await a.app.inject({ url: '/subscribe', ...form({ email: 'x@example.org' }) });
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBeDefined();
    expect(limited.body).toContain('Too many requests');
  });

  it('GET / is a small accessible form that works without scripts', async () => {
    a = await testApp();
    const res = await a.app.inject({ url: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<html lang="en">');
    expect(res.body).toMatch(
      /<label for="email">Email address<\/label>\s*<input\s+id="email"\s+name="email"\s+type="email"\s+required/,
    );
    expect(res.body).not.toContain('<script');
    expect(res.headers['content-security-policy']).toMatch(
      /default-src 'none'; style-src 'sha256-[^']+'/,
    );
    expect(res.headers['content-security-policy']).toContain("form-action 'self'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  describe('abuse of the signup form', () => {
    it('a cross-site form is refused and mails nobody', async () => {
      sink = await startSmtpSink();
      a = await testApp({ SMTP_URL: sink.url });
      for (const headers of [
        { 'sec-fetch-site': 'cross-site' },
        { origin: 'https://evil.example' },
        { origin: 'null' },
      ]) {
        const res = await a.app.inject({
          method: 'POST',
          url: '/subscribe',
          headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
          payload: 'email=victim%40example.org',
        });
        expect(res.statusCode, JSON.stringify(headers)).toBe(403);
      }
      // Our own page's form (same origin) works.
      const own = await a.app.inject({
        method: 'POST',
        url: '/subscribe',
        headers: {
          'sec-fetch-site': 'same-origin',
          origin: 'https://news.example',
          'content-type': 'application/x-www-form-urlencoded',
        },
        payload: 'email=reader%40example.org',
      });
      expect(own.statusCode).toBe(202);
      await eventually(() => (sink.received.length === 1 ? true : undefined));
      await new Promise((r) => setTimeout(r, 200));
      expect(sink.received.map((m) => m.to[0])).toEqual(['reader@example.org']);
    });

    it('at most CONFIRM_MAILS_PER_DAY confirmation mails to one address, and never the name the requester typed', async () => {
      sink = await startSmtpSink();
      a = await testApp(
        { SMTP_URL: sink.url, CONFIRM_MAILS_PER_DAY: '2' },
        { confirmCooldownMs: 1 },
      );
      for (let i = 0; i < 6; i++) {
        await a.app.inject({
          url: '/subscribe',
          ...form({ email: 'victim@example.org', name: 'Claim your prize at evil.example' }),
        });
        await new Promise((r) => setTimeout(r, 20));
      }
      await eventually(() => (sink.received.length >= 2 ? true : undefined));
      await new Promise((r) => setTimeout(r, 300));
      expect(sink.received).toHaveLength(2);
      for (const m of sink.received) expect(m.raw.toString('latin1')).not.toMatch(/prize/i);
    });

    it('an unconfirmed signup is erased when its window ends, with its link', async () => {
      sink = await startSmtpSink();
      a = await testApp({ SMTP_URL: sink.url });
      const { subscribers } = a.t.ctx;
      await a.app.inject({ url: '/subscribe', ...form({ email: 'nobody@example.org' }) });
      const pending = await eventually(() => subscribers.findByEmail('nobody@example.org'));
      await eventually(() => (sink.received.length === 1 ? true : undefined));
      const { subscriber: kept } = await subscribers.add({
        email: 'kept@example.org',
        status: 'active',
      });
      // Still there within the window.
      expect(await subscribers.purgeExpiredPending(new Date(Date.now() + 6 * 86_400_000))).toBe(0);
      expect(await subscribers.purgeExpiredPending(new Date(Date.now() + 8 * 86_400_000))).toBe(1);
      expect(await subscribers.findByEmail('nobody@example.org')).toBeUndefined();
      expect(await subscribers.get(pending.id)).toBeUndefined();
      expect((await subscribers.get(kept.id))?.status).toBe('active');
      // A confirmed one is never erased by the sweep.
      await a.app.inject({ url: '/subscribe', ...form({ email: 'yes@example.org' }) });
      await eventually(() => (sink.received.length === 2 ? true : undefined));
      const yes = await confirmVia(
        a,
        pathOf(linkTo((await simpleParser(sink.received[1]!.raw)).text!, '/confirm?token=')),
      );
      expect(yes.body).toContain('You are subscribed');
      expect(await subscribers.purgeExpiredPending(new Date(Date.now() + 30 * 86_400_000))).toBe(0);
      expect((await subscribers.findByEmail('yes@example.org'))?.status).toBe('active');
    });
  });
});

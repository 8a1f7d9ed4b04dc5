import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/runtime/config.js';
import { readAudit } from '../../src/operations/resend.js';
import { InvalidSubscriberError } from '../../src/runtime/errors.js';
import { encodePhrase, isValidAddress, mailboxHeader } from '../../src/domain/mail/headers.js';
import { normalizeEmail } from '../../src/domain/subscribers/validate.js';
import { stripForbidden } from '../../src/domain/hygiene.js';
import { buildFeed } from '../../src/domain/feed/feed.js';
import { CONFIG, hostileArticle } from '../helpers/render.js';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp.js';
import {
  ADMIN_TOKEN,
  eventually,
  signupThroughProxy,
  testApp,
  type TestApp,
} from '../helpers/http.js';
import { recordAbuse } from './support/abuse.js';
import { recordFault } from './support/summary.js';
import { waitForEdition } from '../../src/operations/progress.js';
import { createKeys } from '../../src/stores/keys.js';
import { sampleWire, testPipeline } from '../helpers/pipeline.js';

/**
 * Issue 10's findings, each tried many ways as an attacker or a careless operator would; one row
 * of the abuse table each. The focused tests beside the code (test/http/*, test/jobs/
 * unsendable, test/domain/render/security) hold the full scenarios; these are the volume runs.
 */
describe('security findings (issue 10)', () => {
  let a: TestApp;
  let sink: SmtpSink;
  let editionId: string;
  const basic = `Basic ${Buffer.from(`ops:${ADMIN_TOKEN}`).toString('base64')}`;

  beforeAll(async () => {
    sink = await startSmtpSink();
    a = await testApp(
      { SMTP_URL: sink.url, ADMIN_TOKEN, TRUST_PROXY: '1', CONFIRM_MAILS_PER_DAY: '2' },
      {
        subscribeRateLimit: { max: 5, timeWindow: 60_000 },
        confirmCooldownMs: 1,
        adminFailures: { max: 10, windowSeconds: 60 },
      },
    );
    await a.t.addSubscribers(3);
    ({ editionId } = await a.deliverEdition());
  }, 60_000);
  afterAll(async () => {
    await a?.close();
    await sink?.close();
  });

  it('CSRF: cross-site admin writes with the cached Basic login are refused and send nothing', async () => {
    const before = sink.received.length;
    const cases = fc
      .sample(
        fc.record({
          type: fc.constantFrom(
            'application/x-www-form-urlencoded',
            'text/plain',
            'application/json',
          ),
          site: fc.constantFrom('cross-site', 'same-site', 'none', undefined),
          origin: fc.constantFrom(
            'https://evil.example',
            'null',
            'http://127.0.0.1.evil.example',
            undefined,
          ),
          mode: fc.constantFrom('everyone', 'failed', undefined),
        }),
        400,
      )
      .filter((c) => c.site !== undefined || c.origin !== undefined || true);
    for (const c of cases) {
      const res = await a.app.inject({
        method: 'POST',
        url: '/admin/resend',
        remoteAddress: '10.1.1.1',
        headers: {
          authorization: basic,
          'content-type': c.type,
          ...(c.site ? { 'sec-fetch-site': c.site } : {}),
          ...(c.origin ? { origin: c.origin } : {}),
        },
        payload:
          c.type === 'application/json'
            ? JSON.stringify({ edition: editionId, mode: c.mode })
            : `edition=${editionId}&mode=${c.mode ?? ''}`,
      });
      expect([403, 415], JSON.stringify(c)).toContain(res.statusCode);
    }
    expect(await readAudit(a.t.ctx, 10)).toEqual([]);
    await new Promise((r) => setTimeout(r, 300));
    expect(sink.received.length).toBe(before);
    recordAbuse('CSRF: cross-site admin writes with Basic credentials (none sent)', cases.length);
  });

  it('a resend to everyone needs an explicit mode', async () => {
    for (const body of [{ edition: editionId }, { edition: editionId, failed: false }]) {
      const res = await a.app.inject({
        method: 'POST',
        url: '/admin/resend',
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
        payload: body,
      });
      expect(res.statusCode).toBe(400);
    }
    recordAbuse('admin resend without a mode (never "everyone" by default)', 2);
  });

  it('admin 401s from one address are throttled', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) {
      const res = await a.app.inject({
        url: '/admin/audit',
        remoteAddress: '10.2.2.2',
        headers: { authorization: `Bearer guess-${i}-0123456789abcdef` },
      });
      statuses.push(res.statusCode);
    }
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(10).every((s) => s === 429)).toBe(true);
    recordAbuse('admin token guessing from one address (throttled after 10)', 30);
  });

  it('addresses: whatever add/import/signup accept, the composer writes', () => {
    const runs = 20_000;
    fc.assert(
      fc.property(
        fc.oneof(
          fc.emailAddress(),
          fc
            .tuple(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }), fc.domain())
            .map(([l, d]) => `${l}@${d}`),
          fc
            .tuple(
              fc.string({ unit: 'grapheme-ascii', maxLength: 10 }),
              fc.constantFrom('bücher.de', 'пример.рф', '例え.jp'),
            )
            .map(([l, d]) => `${l}@${d}`),
        ),
        (raw) => {
          try {
            expect(isValidAddress(normalizeEmail(raw))).toBe(true);
          } catch (err) {
            if (!(err instanceof InvalidSubscriberError)) throw err;
          }
        },
      ),
      { numRuns: runs },
    );
    recordAbuse(
      'addresses: accepted at add/import/signup but refused by the composer (none)',
      runs,
    );
  });

  it('confirm links opened by scanners (GET, HEAD) confirm nothing', async () => {
    await a.app.inject({
      method: 'POST',
      url: '/subscribe',
      remoteAddress: '10.3.3.3',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'email=scanned%40example.org',
    });
    const sub = await eventually(() => a.t.ctx.subscribers.findByEmail('scanned@example.org'));
    const mail = await eventually(() =>
      sink.received.find((m) => m.to[0] === 'scanned@example.org'),
    );
    const url = /https?:\/\/\S+\/confirm\?token=[\w.-]+/.exec(mail.raw.toString('latin1'))![0];
    const path = url.slice(url.indexOf('/confirm'));
    for (let i = 0; i < 50; i++) {
      await a.app.inject({ method: i % 2 ? 'HEAD' : 'GET', url: path });
    }
    expect((await a.t.ctx.subscribers.get(sub.id))?.status).toBe('pending');
    recordAbuse('confirm link prefetched by GET or HEAD (nothing confirmed)', 50);
  });

  it('spoofed X-Forwarded-For behind TRUST_PROXY=1 does not reset the signup limit', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 50; i++) {
      const res = await signupThroughProxy(
        a.app,
        `spoof${i}@example.org`,
        `${i}.${i}.${i}.${i}, 203.0.113.50`,
      );
      statuses.push(res.statusCode);
    }
    expect(statuses.filter((s) => s === 202)).toHaveLength(5);
    recordAbuse('X-Forwarded-For spoofing behind TRUST_PROXY=1 (limit held)', 50);
  });

  it('confirmation mails to one address: capped per day, never carrying the requester’s name', async () => {
    for (let i = 0; i < 20; i++) {
      await a.app.inject({
        method: 'POST',
        url: '/subscribe',
        remoteAddress: `10.4.0.${i}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'email=victim%40example.org&name=Claim+your+prize+at+evil.example',
      });
      await new Promise((r) => setTimeout(r, 5));
    }
    await new Promise((r) => setTimeout(r, 500));
    const got = sink.received.filter((m) => m.to[0] === 'victim@example.org');
    expect(got).toHaveLength(2);
    for (const m of got) expect(m.raw.toString('latin1')).not.toMatch(/prize/i);
    recordAbuse('confirmation mail bombing of one address (2 a day sent, no name)', 20);
  });

  it('cross-site signup forms and public /metrics', async () => {
    for (let i = 0; i < 20; i++) {
      const res = await a.app.inject({
        method: 'POST',
        url: '/subscribe',
        remoteAddress: `10.5.0.${i}`,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          ...(i % 2 ? { 'sec-fetch-site': 'cross-site' } : { origin: 'https://evil.example' }),
        },
        payload: `email=x${i}%40example.org`,
      });
      expect(res.statusCode).toBe(403);
    }
    recordAbuse('cross-site signup form (refused)', 20);
    const m = await testApp({ METRICS_TOKEN: 'metrics-token-0123456789abcdef' });
    try {
      for (const authorization of [
        undefined,
        'Bearer x',
        `Basic ${Buffer.from('a:b').toString('base64')}`,
      ])
        expect(
          (await m.app.inject({ url: '/metrics', headers: authorization ? { authorization } : {} }))
            .statusCode,
        ).toBe(401);
    } finally {
      await m.close();
    }
    recordAbuse('/metrics without METRICS_TOKEN (401)', 3);
  });

  it('display names: encoded-word lookalikes encoded, long names folded', () => {
    const runs = 5_000;
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'grapheme', maxLength: 120 }),
          fc.string({ maxLength: 40 }).map((s) => `=?UTF-8?B?${s}?=`),
        ),
        (name) => {
          const line = mailboxHeader('To', { name, address: 'a@example.org' });
          for (const l of line.split('\r\n')) expect(l.length).toBeLessThanOrEqual(998);
          if (name.includes('=?') && name.trim())
            expect(encodePhrase(name)).toMatch(/^=\?UTF-8\?Q\?/);
        },
      ),
      { numRuns: runs },
    );
    recordAbuse('display names: encoded-word lookalikes and 998-character lines', runs);
  });

  it('configuration an operator could get wrong', () => {
    const bad = [
      { TRUST_PROXY: 'true' },
      { TRUST_PROXY: 'all' },
      { NODE_ENV: 'production', SECRET: 'change-me-to-a-long-random-string-of-32-chars' },
      { NODE_ENV: 'production', SECRET: 'gazette-development-secret-do-not-use-in-production' },
    ];
    for (const env of bad) expect(() => loadConfig(env)).toThrow();
    let message = '';
    try {
      loadConfig({ SMTP_URL: 'ftp://u:pw-in-url@smtp.example' });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).not.toContain('pw-in-url');
    recordAbuse(
      'config: trust-all proxy, example secrets, passwords echoed (refused / redacted)',
      5,
    );
  });

  it('unconfirmed signups expire; bidi, feed-title markup and third-party images never reach output; CSV oddities named', async () => {
    const { subscribers } = a.t.ctx;
    const before = await subscribers.count('pending');
    expect(before).toBeGreaterThan(0);
    expect(await subscribers.purgeExpiredPending(new Date(Date.now() + 8 * 86_400_000))).toBe(
      before,
    );
    expect(await subscribers.count('pending')).toBe(0);
    recordAbuse('unconfirmed signups kept for ever (erased after 7 days)', before);

    const runs = 2_000;
    fc.assert(
      fc.property(
        fc.string({ maxLength: 30 }),
        fc.constantFrom('\u202E', '\u2066', '\u202A'),
        (s, c) => {
          expect(stripForbidden(`${s}${c}${s}`)).not.toMatch(/[\u202A-\u202E\u2066-\u2069]/);
        },
      ),
      { numRuns: runs },
    );
    recordAbuse('bidi overrides in article text (stripped from every output)', runs);

    const feed = buildFeed(
      [
        {
          ...hostileArticle(),
          title: '<img src=https://tracker.example/p.gif>',
          media: [{ kind: 'image', src: 'https://tracker.example/x.gif' }],
        },
      ],
      CONFIG,
      { now: new Date() },
    );
    expect(feed).not.toContain('<img src=https://tracker.example');
    expect(feed).not.toMatch(/media:content[^>]*tracker\.example/);
    recordAbuse('feed title markup and third-party image URLs (escaped / dropped)', 2);
  });

  it('six addresses the composer cannot write among thirty: nothing stalls, nothing uncertain', async () => {
    const own = await startSmtpSink();
    const t = await testPipeline({
      SMTP_URL: own.url,
      SMTP_POOL_SIZE: '2',
      DELIVERY_BATCH_SIZE: '8',
    });
    try {
      const ids = await t.addSubscribers(36);
      const keys = createKeys(t.config.prefix);
      for (let i = 0; i < 6; i++)
        await t.ctx.redis.hset(keys.subscriber(ids[i * 6]!), 'email', `ü${i}@example.org`);
      await t.writeArticle('harbour.txt', sampleWire('The harbour reopened on Monday.'));
      t.startWorkers();
      const edition = await t.publish();
      const progress = await waitForEdition(t.ctx, edition, { timeoutMs: 15_000, intervalMs: 50 });
      expect(progress).toMatchObject({ sent: 30, failed: 6, queued: 0, sending: 0, uncertain: 0 });
      const delivered = own.received.map((m) => m.to[0]);
      recordFault({
        fault: 'unsendable address after a send slot was claimed (6 of 36)',
        tried: 6,
        recipients: 36,
        lost: 30 - new Set(delivered).size,
        doubled: delivered.length - new Set(delivered).size,
        uncertain: progress.uncertain,
      });
    } finally {
      await t.cleanup();
      await own.close();
    }
  }, 60_000);
});

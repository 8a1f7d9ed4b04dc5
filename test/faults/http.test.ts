import { generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureRendered } from '../../src/jobs/edition.js';
import { signToken, type TokenPurpose } from '../../src/domain/mail/tokens.js';
import type { Subscriber } from '../../src/stores/subscribers/index.js';
import { TEST_SECRET } from '../helpers/pipeline.js';
import { ADMIN_TOKEN, sampleWire, testApp, type TestApp } from '../helpers/http.js';
import { recordAbuse } from './support/abuse.js';
import { startOwnRedis, type OwnRedis } from '../helpers/redis-server.js';

const RUNS = 10_000;
const ROUTES: [string, string][] = [
  ['POST', '/subscribe'],
  ['POST', '/unsubscribe'],
  ['POST', '/preferences'],
  ['GET', '/confirm'],
  ['GET', '/unsubscribe'],
  ['GET', '/preferences'],
  ['POST', '/admin/resend'],
  ['GET', '/admin/audit'],
  ['GET', '/editions/x'],
  ['GET', '/feed.xml'],
  ['GET', '/admin/suppressions'],
  ['POST', '/admin/suppressions'],
  ['POST', '/webhooks/ses'],
  ['POST', '/webhooks/postmark'],
  ['POST', '/webhooks/sendgrid'],
  ['POST', '/webhooks/mailgun'],
];
/** Every provider's webhook configured, so that the fuzzing reaches their checks. */
const WEBHOOKS = {
  SES_SNS_TOPIC_ARNS: 'arn:aws:sns:eu-west-1:123456789012:ses-bounces',
  POSTMARK_WEBHOOK_USER: 'postmark',
  POSTMARK_WEBHOOK_PASSWORD: 'postmark-password-0123456789',
  SENDGRID_WEBHOOK_PUBLIC_KEY: generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
    .publicKey.export({ type: 'spki', format: 'der' })
    .toString('base64'),
  MAILGUN_WEBHOOK_SIGNING_KEY: 'mailgun-signing-key-0123456789',
};
const TYPES = [
  'application/json',
  'application/x-www-form-urlencoded',
  'text/plain',
  'multipart/form-data; boundary=x',
  'application/json; charset=utf-16',
  undefined,
];

describe('the HTTP app under abuse', () => {
  let redis: OwnRedis;
  let a: TestApp;
  let subs: Subscriber[];
  beforeAll(async () => {
    redis = await startOwnRedis();
    a = await testApp(
      { REDIS_URL: redis.url, ADMIN_TOKEN, ...WEBHOOKS },
      {
        subscribeRateLimit: { max: 1_000_000, timeWindow: 60_000 },
        // The fuzzing sends thousands of wrong tokens: the 401 throttle has its own test.
        adminFailures: { max: 1_000_000 },
      },
    );
    await a.ingest({ 'harbour.txt': sampleWire('The harbour reopened on Monday.') }, new Date());
    // One rendered edition, so that the archive page is there to be checked.
    await a.t.ctx.editions.createFromCandidates('faults-1', 20, new Date());
    await ensureRendered(a.t.deps, 'faults-1');
    subs = [];
    for (const [email, status] of [
      ['p@example.org', 'pending'],
      ['a@example.org', 'active'],
      ['u@example.org', 'unsubscribed'],
    ] as const)
      subs.push((await a.t.ctx.subscribers.add({ email, status })).subscriber);
  }, 60_000);
  afterAll(async () => {
    await a?.close();
    await redis?.cleanup();
  });

  const snapshot = async () =>
    JSON.stringify(await Promise.all(subs.map((s) => a.t.ctx.subscribers.get(s.id))));

  it(`fuzzed bodies, queries and headers on every route (${RUNS} cases): never a 5xx, every error named`, async () => {
    const body = fc.oneof(
      fc.string({ maxLength: 300 }),
      fc.string({ maxLength: 100, unit: 'binary' }),
      fc.json({ maxDepth: 3 }),
      fc
        .dictionary(
          fc.constantFrom('email', 'name', 'tz', 'token', 'to', 'failed', 'edition', 'reason'),
          fc.oneof(fc.string({ maxLength: 40 }), fc.integer(), fc.constant(null)),
        )
        .map((o) => new URLSearchParams(o as Record<string, string>).toString()),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ROUTES),
        fc.constantFrom(...TYPES),
        body,
        fc.string({ maxLength: 60 }),
        fc.boolean(),
        async ([method, url], type, payload, query, admin) => {
          const res = await a.app.inject({
            method: method as 'GET' | 'POST',
            url: `${url}?token=${encodeURIComponent(query)}`,
            headers: {
              ...(type ? { 'content-type': type } : {}),
              ...(admin ? { authorization: `Bearer ${ADMIN_TOKEN}` } : {}),
            },
            ...(method === 'POST' ? { payload } : {}),
          });
          expect(
            res.statusCode,
            `${method} ${url} ${type}: ${res.body.slice(0, 200)}`,
          ).toBeLessThan(500);
          if (res.statusCode >= 400 && /json/.test(String(res.headers['content-type']))) {
            expect(typeof (res.json() as { error?: unknown }).error).toBe('string');
          }
        },
      ),
      { numRuns: RUNS },
    );
    recordAbuse('HTTP: fuzzed bodies, queries and content types on every route', RUNS);
  }, 240_000);

  it('bad tokens on every subscriber route (1,000 cases): 4xx, and no subscriber changes', async () => {
    const before = await snapshot();
    const purposes: TokenPurpose[] = ['confirm', 'unsubscribe', 'preferences'];
    const routes: [string, string, TokenPurpose][] = [
      ['GET', '/confirm', 'confirm'],
      ['GET', '/unsubscribe', 'unsubscribe'],
      ['POST', '/unsubscribe', 'unsubscribe'],
      ['POST', '/preferences', 'preferences'],
    ];
    const forge = (sub: string, purpose: TokenPurpose, how: string, n: number) => {
      const good = signToken({ sub, purpose }, TEST_SECRET);
      const i = n % good.length;
      const other = purposes[(purposes.indexOf(purpose) + 1) % purposes.length]!;
      if (how === 'forged') return signToken({ sub, purpose }, `${TEST_SECRET}-forged`);
      if (how === 'truncated') return good.slice(0, i);
      if (how === 'altered')
        return good.slice(0, i) + (good[i] === 'A' ? 'B' : 'A') + good.slice(i + 1);
      if (how === 'expired') return signToken({ sub, purpose, exp: 1_000_000 }, TEST_SECRET);
      if (how === 'unknown') return signToken({ sub: 'no-such-subscriber', purpose }, TEST_SECRET);
      return signToken({ sub, purpose: other }, TEST_SECRET);
    };
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes),
        fc.constantFrom(...subs.map((s) => s.id)),
        fc.constantFrom('forged', 'truncated', 'altered', 'expired', 'unknown', 'purpose'),
        fc.nat(),
        async ([method, url, purpose], sub, how, n) => {
          const token = forge(sub, purpose, how, n);
          const res = await a.app.inject({
            method: method as 'GET' | 'POST',
            url: `${url}?token=${encodeURIComponent(token)}`,
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            ...(method === 'POST' ? { payload: 'tz=Europe%2FParis' } : {}),
          });
          expect(res.statusCode, `${method} ${url} ${how}`).toBeGreaterThanOrEqual(400);
          expect(res.statusCode).toBeLessThan(500);
        },
      ),
      { numRuns: 1000 },
    );
    expect(await snapshot()).toBe(before);
    recordAbuse('HTTP: forged, truncated, altered, expired, foreign tokens', 1000);
  }, 120_000);

  it('admin routes without the token, or with a wrong one: 401', async () => {
    const attempts = [
      undefined,
      'Bearer wrong-token-0123456789abcdef',
      `Bearer ${ADMIN_TOKEN.slice(0, -1)}`,
      `Basic ${Buffer.from(`admin:${ADMIN_TOKEN}x`).toString('base64')}`,
      ADMIN_TOKEN,
    ];
    const routes: [string, string][] = [
      ['GET', '/admin/queues'],
      ['GET', '/admin/queues/api/queues'],
      ['POST', '/admin/resend'],
      ['GET', '/admin/audit'],
      ['GET', '/admin/editions/x/deliveries'],
      ['GET', '/admin/nope'],
    ];
    for (const [method, url] of routes)
      for (const authorization of attempts) {
        const res = await a.app.inject({
          method: method as 'GET' | 'POST',
          url,
          headers: authorization ? { authorization } : {},
          ...(method === 'POST' ? { payload: { editionId: 'x' } } : {}),
        });
        expect(res.statusCode, `${method} ${url} with ${authorization}`).toBe(401);
      }
    recordAbuse('HTTP: admin routes without a valid token', routes.length * attempts.length);
  });

  it('feed and pages carry safe headers: CSP on HTML, nosniff everywhere', async () => {
    const urls = [
      '/feed.xml',
      '/editions',
      '/editions/faults-1',
      '/',
      '/confirm?token=x',
      '/unsubscribe?token=x',
    ];
    for (const url of urls) {
      const res = await a.app.inject({ method: 'GET', url });
      expect(res.headers['x-content-type-options'], url).toBe('nosniff');
      if (/html/.test(String(res.headers['content-type']))) {
        const csp = String(res.headers['content-security-policy'] ?? '');
        expect(csp, url).toMatch(/default-src 'none'|default-src 'self'/);
        expect(csp, url).not.toMatch(/unsafe-inline'[^;]*script|script-src[^;]*unsafe-inline/);
      }
    }
    const feed = await a.app.inject({ method: 'GET', url: '/feed.xml' });
    expect(feed.headers['content-type']).toMatch(/xml/);
    recordAbuse('HTTP: safe headers on the feed and HTML pages', urls.length);
  });
});

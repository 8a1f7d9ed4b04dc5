import { execFileSync } from 'node:child_process';
import {
  createHmac,
  createSign,
  generateKeyPairSync,
  randomBytes,
  sign as signData,
} from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, get, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { messageIdFor } from '../../src/domain/mail/ids.js';
import { snsStringToSign, type SnsMessage } from '../../src/domain/webhooks/sns.js';
import { testApp, type TestApp } from '../helpers/http.js';

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:ses-bounces';
const POSTMARK = { user: 'postmark', password: 'postmark-password-0123456789' };
const MAILGUN_KEY = randomBytes(24).toString('hex');
const sendgridKeys = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const SENDGRID_PUBLIC = sendgridKeys.publicKey
  .export({ type: 'spki', format: 'der' })
  .toString('base64');

const WEBHOOK_ENV = {
  SES_SNS_TOPIC_ARNS: TOPIC,
  POSTMARK_WEBHOOK_USER: POSTMARK.user,
  POSTMARK_WEBHOOK_PASSWORD: POSTMARK.password,
  SENDGRID_WEBHOOK_PUBLIC_KEY: SENDGRID_PUBLIC,
  MAILGUN_WEBHOOK_SIGNING_KEY: MAILGUN_KEY,
};

/**
 * Stands in for sns.<region>.amazonaws.com: a self-signed certificate for 127.0.0.1 made by
 * openssl now, served over https on loopback with its own key; it also answers SubscribeURL.
 */
async function fakeSns() {
  const dir = await mkdtemp(join(tmpdir(), 'gazette-sns-'));
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '2',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
    ],
    { stdio: 'ignore' },
  );
  const key = await readFile(join(dir, 'key.pem'), 'utf8');
  const cert = await readFile(join(dir, 'cert.pem'), 'utf8');
  await rm(dir, { recursive: true });
  const requests: string[] = [];
  const server: Server = createServer({ key, cert }, (req, res) => {
    requests.push(req.url ?? '');
    if (req.url === '/SimpleNotificationService-test.pem') res.end(cert);
    else if (req.url?.startsWith('/confirm?')) res.end('<ConfirmSubscriptionResponse/>');
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const base = `https://127.0.0.1:${port}`;
  /** The injected fetcher: a real https GET that trusts the self-made certificate. */
  const fetchText = (url: string) =>
    new Promise<string>((resolve, reject) => {
      get(url, { ca: cert }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          res.statusCode === 200
            ? resolve(Buffer.concat(chunks).toString('utf8'))
            : reject(new Error(`GET ${url}: ${res.statusCode}`)),
        );
      }).on('error', reject);
    });
  return {
    base,
    requests,
    fetchText,
    sign(
      fields: Omit<SnsMessage, 'Signature' | 'SigningCertURL' | 'SignatureVersion'>,
      version: '1' | '2' = '2',
    ) {
      const m = {
        ...fields,
        SignatureVersion: version,
        SigningCertURL: `${base}/SimpleNotificationService-test.pem`,
        Signature: '',
      } as SnsMessage;
      m.Signature = createSign(version === '1' ? 'RSA-SHA1' : 'RSA-SHA256')
        .update(snsStringToSign(m))
        .sign(key, 'base64');
      return m;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const post = (
  a: TestApp,
  provider: string,
  payload: unknown,
  headers: Record<string, string> = {},
) =>
  a.app.inject({
    method: 'POST',
    url: `/webhooks/${provider}`,
    headers: { 'content-type': 'application/json', ...headers },
    payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
  });

async function statusOf(a: TestApp, email: string) {
  return (await a.t.ctx.subscribers.findByEmail(email))?.status;
}

/**
 * What every provider's test ends with: reader0 hard-bounced and reader1 complained, through
 * this provider, and reader2 (a soft bounce or nothing) still mailed.
 */
async function expectBounceAndComplaint(a: TestApp, provider: string) {
  expect(
    (await a.t.ctx.suppressions.list()).map((s) => [s.email, s.reason, s.source]).sort(),
  ).toEqual([
    ['reader0@example.org', 'hard-bounce', provider],
    ['reader1@example.org', 'complaint', provider],
  ]);
  expect(await statusOf(a, 'reader0@example.org')).toBe('bounced');
  expect(await statusOf(a, 'reader1@example.org')).toBe('complained');
  expect(await statusOf(a, 'reader2@example.org')).toBe('active');
}

describe('provider webhooks', () => {
  let a: TestApp | undefined;
  let sns: Awaited<ReturnType<typeof fakeSns>> | undefined;
  afterEach(async () => {
    await a?.close();
    await sns?.close();
    a = undefined;
    sns = undefined;
  });

  it('answer 404 when their provider is not configured', async () => {
    a = await testApp();
    for (const provider of ['ses', 'postmark', 'sendgrid', 'mailgun']) {
      const res = await post(a, provider, {});
      expect(res.statusCode, provider).toBe(404);
      expect(res.json()).toMatchObject({ error: 'not_found' });
    }
  });

  it('SES: the SNS subscription is confirmed by GET; a Permanent bounce and a complaint suppress; forged, foreign and replayed messages change nothing', async () => {
    sns = await fakeSns();
    a = await testApp(WEBHOOK_ENV, {
      sns: { hostPattern: /^127\.0\.0\.1$/, fetchText: sns.fetchText },
    });
    const ids = await a.t.addSubscribers(3);
    const { editionId } = await a.deliverEdition();

    const confirm = sns.sign(
      {
        Type: 'SubscriptionConfirmation',
        MessageId: 'c0ffee00-0000-4000-8000-000000000001',
        Token: 'tok-123',
        TopicArn: TOPIC,
        Message: `You have chosen to subscribe to the topic ${TOPIC}.`,
        SubscribeURL: `${sns.base}/confirm?Action=ConfirmSubscription&Token=tok-123`,
        Timestamp: '2026-12-01T10:00:00.000Z',
      },
      '1',
    );
    const confirmed = await post(a, 'ses', JSON.stringify(confirm), {
      'content-type': 'text/plain; charset=UTF-8',
    });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    expect(sns.requests).toEqual([
      '/SimpleNotificationService-test.pem',
      '/confirm?Action=ConfirmSubscription&Token=tok-123',
    ]);

    const ses = (type: 'Bounce' | 'Complaint', email: string, subscriberId: string) => ({
      notificationType: type,
      mail: {
        messageId: '0100018c-ses-own-id',
        destination: [email],
        headers: [
          { name: 'From', value: 'Gazette <digest@news.example>' },
          { name: 'Message-ID', value: messageIdFor(editionId, subscriberId, 'news.example') },
        ],
      },
      ...(type === 'Bounce'
        ? {
            bounce: {
              bounceType: 'Permanent',
              bounceSubType: 'General',
              bouncedRecipients: [
                {
                  emailAddress: email,
                  status: '5.1.1',
                  diagnosticCode: 'smtp; 550 5.1.1 user unknown',
                },
              ],
            },
          }
        : {
            complaint: {
              complainedRecipients: [{ emailAddress: email }],
              complaintFeedbackType: 'abuse',
            },
          }),
    });
    const notification = (id: string, message: object) =>
      sns!.sign({
        Type: 'Notification',
        MessageId: id,
        TopicArn: TOPIC,
        Subject: 'Amazon SES Email Event Notification',
        Message: JSON.stringify(message),
        Timestamp: '2026-12-01T10:05:00.000Z',
      });

    const bounce = notification(
      'b0000000-0000-4000-8000-000000000001',
      ses('Bounce', 'reader0@example.org', ids[0]!),
    );
    // Forged: the same message with another recipient, the signature left as it was.
    const forged = {
      ...bounce,
      Message: JSON.stringify(ses('Bounce', 'reader2@example.org', ids[2]!)),
    };
    const refused = await post(a, 'ses', forged);
    expect(refused.statusCode).toBe(401);
    expect(refused.json().message).toMatch(/signature/);
    // A topic we did not name, and a certificate off SNS's hosts: refused before any fetch.
    const before = sns.requests.length;
    expect(
      (await post(a, 'ses', { ...bounce, TopicArn: 'arn:aws:sns:eu-west-1:999999999999:other' }))
        .statusCode,
    ).toBe(403);
    expect(
      (await post(a, 'ses', { ...bounce, SigningCertURL: 'https://evil.example/cert.pem' }))
        .statusCode,
    ).toBe(403);
    expect(
      (
        await post(a, 'ses', {
          ...bounce,
          SigningCertURL: bounce.SigningCertURL.replace('https:', 'http:'),
        })
      ).statusCode,
    ).toBe(403);
    expect(sns.requests.length).toBe(before);
    // Malformed: no Signature at all.
    const { Signature: _, ...unsigned } = bounce;
    expect((await post(a, 'ses', unsigned)).statusCode).toBe(400);

    // The real bounce, twice (SNS retries): applied once.
    const first = await post(a, 'ses', bounce);
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({
      applied: 1,
      duplicates: 0,
      outcomes: [{ kind: 'bounced', editionId }],
    });
    expect((await post(a, 'ses', bounce)).json()).toMatchObject({ applied: 0, duplicates: 1 });
    const complaint = await post(
      a,
      'ses',
      notification(
        'b0000000-0000-4000-8000-000000000002',
        ses('Complaint', 'reader1@example.org', ids[1]!),
      ),
    );
    expect(complaint.json()).toMatchObject({
      applied: 1,
      outcomes: [{ kind: 'complained', editionId }],
    });

    await expectBounceAndComplaint(a, 'ses');
    expect(await a.t.ctx.deliveries.get(editionId, ids[0]!)).toMatchObject({
      state: 'bounced',
      lastError: expect.stringMatching(/^SES: Permanent\/General 5\.1\.1/),
    });
    expect(await a.t.ctx.inbound.complaints(editionId)).toBe(1);
    // The certificate was fetched once for all of them.
    expect(sns.requests.filter((r) => r.endsWith('.pem'))).toHaveLength(1);
  }, 60_000);

  it('Postmark: Basic auth; a HardBounce and a SpamComplaint suppress, once each', async () => {
    a = await testApp(WEBHOOK_ENV);
    await a.t.addSubscribers(3);
    const auth = {
      authorization: `Basic ${Buffer.from(`${POSTMARK.user}:${POSTMARK.password}`).toString('base64')}`,
    };
    const bounce = {
      RecordType: 'Bounce',
      MessageStream: 'outbound',
      ID: 4323372036854775,
      Type: 'HardBounce',
      TypeCode: 1,
      Name: 'Hard bounce',
      MessageID: '883953f4-6105-42a2-a16a-77a8eac79483',
      Description:
        'The server was unable to deliver your message (ex: unknown user, mailbox not found).',
      Details: 'smtp;550 5.1.1 The email account that you tried to reach does not exist.',
      Email: 'reader0@example.org',
      From: 'digest@news.example',
      BouncedAt: '2026-12-01T10:00:00Z',
      Inactive: true,
      CanActivate: true,
      Subject: 'The digest',
    };
    const complaint = {
      ...bounce,
      RecordType: 'SpamComplaint',
      ID: 4323372036854776,
      Type: 'SpamComplaint',
      TypeCode: 512,
      Email: 'reader1@example.org',
    };

    for (const headers of [
      {} as Record<string, string>,
      { authorization: `Basic ${Buffer.from(`${POSTMARK.user}:wrong`).toString('base64')}` },
    ]) {
      const res = await post(a, 'postmark', bounce, headers);
      expect(res.statusCode).toBe(401);
      expect(res.headers['www-authenticate']).toMatch(/^Basic/);
    }
    expect((await post(a, 'postmark', { RecordType: 'Bounce' }, auth)).statusCode).toBe(400);
    expect((await post(a, 'postmark', '{"RecordType": ', auth)).statusCode).toBe(400);
    expect(await a.t.ctx.suppressions.list()).toEqual([]);

    expect((await post(a, 'postmark', bounce, auth)).json()).toMatchObject({
      applied: 1,
      outcomes: [{ kind: 'bounced' }],
    });
    expect((await post(a, 'postmark', bounce, auth)).json()).toMatchObject({
      applied: 0,
      duplicates: 1,
    });
    expect((await post(a, 'postmark', complaint, auth)).json()).toMatchObject({
      applied: 1,
      outcomes: [{ kind: 'complained' }],
    });
    await expectBounceAndComplaint(a, 'postmark');
  });

  it('SendGrid: the ECDSA signature over timestamp and exact body; bounce, blocked and spamreport; each event once', async () => {
    a = await testApp(WEBHOOK_ENV);
    await a.t.addSubscribers(3);
    const events = [
      {
        email: 'reader0@example.org',
        timestamp: 1764583200,
        event: 'bounce',
        type: 'bounce',
        status: '5.1.1',
        reason: '550 5.1.1 no such user',
        sg_event_id: 'c2ctZXZlbnQtMQ',
        sg_message_id: 'msg-1',
        'smtp-id': '<x@news.example>',
      },
      {
        email: 'reader1@example.org',
        timestamp: 1764583201,
        event: 'spamreport',
        sg_event_id: 'c2ctZXZlbnQtMg',
        sg_message_id: 'msg-2',
      },
      {
        email: 'reader2@example.org',
        timestamp: 1764583202,
        event: 'bounce',
        type: 'blocked',
        status: '4.0.0',
        reason: 'blocked for now',
        sg_event_id: 'c2ctZXZlbnQtMw',
        sg_message_id: 'msg-3',
      },
      {
        email: 'reader2@example.org',
        timestamp: 1764583203,
        event: 'delivered',
        sg_event_id: 'c2ctZXZlbnQtNA',
        sg_message_id: 'msg-4',
      },
    ];
    // The exact bytes SendGrid would send (its own spacing): the signature is over them, not a re-serialisation.
    const body = `${JSON.stringify(events, null, 1)}\r\n`;
    const timestamp = String(Math.floor(Date.now() / 1000));
    const signed = (b: string, ts = timestamp) => ({
      'x-twilio-email-event-webhook-timestamp': ts,
      'x-twilio-email-event-webhook-signature': signData('sha256', Buffer.from(ts + b), {
        key: sendgridKeys.privateKey,
        dsaEncoding: 'der',
      }).toString('base64'),
    });

    expect((await post(a, 'sendgrid', body)).statusCode).toBe(401);
    const tampered = body.replace('reader1', 'reader2');
    const bad = await post(a, 'sendgrid', tampered, signed(body));
    expect(bad.statusCode).toBe(401);
    expect(bad.json().message).toMatch(/SENDGRID_WEBHOOK_PUBLIC_KEY/);
    // The signature of another timestamp: the timestamp is signed too.
    const otherTime = {
      ...signed(body),
      'x-twilio-email-event-webhook-timestamp': String(Number(timestamp) + 1),
    };
    expect((await post(a, 'sendgrid', body, otherTime)).statusCode).toBe(401);
    const malformed = '[{"event":"bounce"}]';
    expect((await post(a, 'sendgrid', malformed, signed(malformed))).statusCode).toBe(400);

    // A batch past the app's 64 KiB limit is still taken: SendGrid posts many events at once.
    const big = JSON.stringify(
      Array.from({ length: 4 }, (_, i) => ({
        email: 'reader2@example.org',
        event: 'processed',
        sg_event_id: `big-${i}`,
        reason: 'x'.repeat(30_000),
      })),
    );
    const large = await post(a, 'sendgrid', big, signed(big));
    expect(large.statusCode, large.body.slice(0, 200)).toBe(200);
    expect(large.json()).toMatchObject({ applied: 4 });
    const first = await post(a, 'sendgrid', body, signed(body));
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({ applied: 4, duplicates: 0 });
    expect((await post(a, 'sendgrid', body, signed(body))).json()).toMatchObject({
      applied: 0,
      duplicates: 4,
    });
    await expectBounceAndComplaint(a, 'sendgrid');
  });

  it('Mailgun: HMAC signature, stale timestamps refused; failed permanent and complained suppress, once', async () => {
    a = await testApp(WEBHOOK_ENV);
    await a.t.addSubscribers(3);
    const signature = (
      timestamp = String(Math.floor(Date.now() / 1000)),
      token = randomBytes(25).toString('hex'),
    ) => ({
      timestamp,
      token,
      signature: createHmac('sha256', MAILGUN_KEY)
        .update(timestamp + token)
        .digest('hex'),
    });
    const event = (id: string, event: string, recipient: string, extra: object = {}) => ({
      id,
      event,
      recipient,
      timestamp: Date.now() / 1000,
      'log-level': 'error',
      message: {
        headers: {
          to: recipient,
          'message-id': '20261201100000.1.2@news.example',
          from: 'digest@news.example',
          subject: 'The digest',
        },
      },
      ...extra,
    });
    const failed = event('G9Bn5sl1TC6nu79C8C0bwg', 'failed', 'reader0@example.org', {
      severity: 'permanent',
      reason: 'bounce',
      'delivery-status': {
        code: 550,
        message: '5.1.1 The email account does not exist',
        description: '',
      },
    });
    const temporary = event('Ase2uT1mQmuJb1SUkHMiPQ', 'failed', 'reader2@example.org', {
      severity: 'temporary',
      reason: 'generic',
    });
    const complained = event('-Agny091SquKnsrW2NEKUA', 'complained', 'reader1@example.org');

    expect(
      (
        await post(a, 'mailgun', {
          signature: { ...signature(), signature: 'ab'.repeat(32) },
          'event-data': failed,
        })
      ).statusCode,
    ).toBe(401);
    const stale = await post(a, 'mailgun', {
      signature: signature(String(Math.floor(Date.now() / 1000) - 3600)),
      'event-data': failed,
    });
    expect(stale.statusCode).toBe(401);
    expect(stale.json().message).toMatch(/replay/);
    expect((await post(a, 'mailgun', { 'event-data': failed })).statusCode).toBe(400);
    expect(await a.t.ctx.suppressions.list()).toEqual([]);

    const ok = await post(a, 'mailgun', { signature: signature(), 'event-data': failed });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ applied: 1, outcomes: [{ kind: 'bounced' }] });
    // Mailgun's retry: a fresh signature, the same event id.
    expect(
      (await post(a, 'mailgun', { signature: signature(), 'event-data': failed })).json(),
    ).toMatchObject({ applied: 0, duplicates: 1 });
    await post(a, 'mailgun', { signature: signature(), 'event-data': temporary });
    expect(
      (await post(a, 'mailgun', { signature: signature(), 'event-data': complained })).json(),
    ).toMatchObject({ outcomes: [{ kind: 'complained' }] });
    await expectBounceAndComplaint(a, 'mailgun');
  });
});

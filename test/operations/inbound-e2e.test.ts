import nodemailer from 'nodemailer';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/http/app.js';
import { createMetrics } from '../../src/jobs/metrics.js';
import { handleInbound } from '../../src/operations/inbound.js';
import { waitForEdition } from '../../src/operations/progress.js';
import { startInboundServer, type InboundServer } from '../../src/runtime/smtp/inbound.js';
import { sampleWire, testPipeline, type TestPipeline } from '../helpers/pipeline.js';
import { arf, dsn } from '../helpers/reports.js';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp.js';

const DOMAIN = 'bounces.news.example';
const CRLF = '\r\n';

describe('a bounce and a complaint that come back later leave their readers out of the next edition', () => {
  let t: TestPipeline | undefined;
  let sink: SmtpSink | undefined;
  let server: InboundServer | undefined;
  afterEach(async () => {
    await server?.close();
    await t?.cleanup();
    await sink?.close();
    t = sink = server = undefined;
  });

  it('edition, DSN and ARF over SMTP to gazette inbound, next edition: those two get nothing, the rest theirs; /metrics counts them', async () => {
    // reader4's server refuses it in the session: a bounce the worker sees itself (source smtp).
    sink = await startSmtpSink({
      onRcpt: (a) =>
        a === 'reader4@example.org' ? { code: 550, message: '5.1.1 no such user' } : undefined,
    });
    t = await testPipeline({ SMTP_URL: sink.url, BOUNCE_DOMAIN: DOMAIN });
    const ids = await t.addSubscribers(5);
    t.startWorkers();
    await t.writeArticle('harbour.txt', sampleWire('The harbour reopened on Monday.'));
    const first = await t.publish();
    await waitForEdition(t.ctx, first, { timeoutMs: 30_000, intervalMs: 50 });
    const firstCopies = [...sink.received];
    expect(firstCopies.map((m) => m.to[0]).sort()).toEqual(
      [0, 1, 2, 3].map((i) => `reader${i}@example.org`),
    );
    const copy = (i: number) => firstCopies.find((m) => m.to[0] === `reader${i}@example.org`)!;
    // Each copy went out with its own VERP envelope sender.
    expect(new Set(firstCopies.map((m) => m.from)).size).toBe(4);
    expect(copy(0).from).toMatch(new RegExp(`^bounces\\+.+@${DOMAIN.replace(/\./g, '\\.')}$`));

    server = await startInboundServer({
      host: '127.0.0.1',
      port: 0,
      domain: DOMAIN,
      onMessage: (msg) => handleInbound(t!.ctx, msg.raw, msg),
    });
    const client = nodemailer.createTransport({
      host: '127.0.0.1',
      port: server.port,
      secure: false,
      ignoreTLS: true,
    });
    // Hours later: the remote MX bounces reader0's copy to its VERP address (RFC 3464)…
    await client.sendMail({
      envelope: { from: '', to: [copy(0).from] },
      raw: dsn('reader0@example.org', 'failed', '5.1.1'),
    });
    // …and reader1's provider forwards a spam complaint about its copy (RFC 5965), to its VERP
    // address, the original's headers returned.
    const messageId = /^Message-ID: (.+)$/m.exec(copy(1).raw.toString('latin1'))![1]!.trim();
    await client.sendMail({
      envelope: { from: '', to: [copy(1).from] },
      raw: arf(
        'reader1@example.org',
        `From: digest@news.example${CRLF}Message-ID: ${messageId}${CRLF}Subject: x${CRLF}`,
      ),
    });
    client.close();

    await t.writeArticle('bridge.txt', sampleWire('The bridge opened on Tuesday.'));
    const second = await t.publish();
    expect(second).not.toBe(first);
    await waitForEdition(t.ctx, second, { timeoutMs: 30_000, intervalMs: 50 });
    const secondCopies = sink.received.slice(firstCopies.length);
    expect(secondCopies.map((m) => m.to[0]).sort()).toEqual([
      'reader2@example.org',
      'reader3@example.org',
    ]);

    // Why: the subscriber records, the suppression list, and the first edition's record.
    const subs = await t.ctx.subscribers.getMany(ids);
    expect(subs.map((s) => s?.status)).toEqual([
      'bounced',
      'complained',
      'active',
      'active',
      'bounced',
    ]);
    expect(await t.ctx.suppressions.get('reader0@example.org')).toMatchObject({
      reason: 'hard-bounce',
      source: 'dsn',
      detail: expect.stringMatching(/^5\.1\.1/),
    });
    expect(await t.ctx.suppressions.get('reader1@example.org')).toMatchObject({
      reason: 'complaint',
      source: 'arf',
    });
    expect(await t.ctx.deliveries.get(first, ids[0]!)).toMatchObject({
      state: 'bounced',
      lastError: expect.stringMatching(/^DSN: 5\.1\.1/),
    });
    for (const i of [0, 1, 4]) expect(await t.ctx.deliveries.get(second, ids[i]!)).toBeUndefined();
    expect(await t.ctx.deliveries.counts(second)).toMatchObject({ sent: 2, bounced: 0 });

    // /metrics of another app (the serve process) reads what the listener and the worker counted.
    const app = await buildApp({
      ctx: t.ctx,
      config: t.config,
      log: t.ctx.log,
      transport: t.deps.transport,
      metrics: createMetrics({ ...t.ctx, defaultMetrics: false }),
    });
    try {
      const text = (await app.inject({ url: '/metrics' })).body;
      expect(text).toMatch(/^gazette_bounces_total\{kind="hard",source="dsn"\} 1$/m);
      expect(text).toMatch(/^gazette_bounces_total\{kind="hard",source="smtp"\} 1$/m);
      expect(text).toMatch(/^gazette_complaints_total\{source="arf"\} 1$/m);
      expect(text).not.toMatch(/kind="soft"/);
    } finally {
      await app.close();
    }
  }, 90_000);
});

import nodemailer from 'nodemailer';
import { afterEach, describe, expect, it } from 'vitest';
import { handleInbound } from '../../src/operations/inbound.js';
import { statusReport } from '../../src/operations/status.js';
import { waitForEdition } from '../../src/operations/progress.js';
import { startInboundServer, type InboundServer } from '../../src/runtime/smtp/inbound.js';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp.js';
import { sampleWire, testPipeline, type TestPipeline } from '../helpers/pipeline.js';
import { arf, dsn, notAReport, report } from '../helpers/reports.js';

const CRLF = '\r\n';

describe('gazette inbound: DSNs and ARF reports over SMTP', () => {
  let t: TestPipeline;
  let sink: SmtpSink;
  let server: InboundServer;
  afterEach(async () => {
    await server?.close();
    await t?.cleanup();
    await sink?.close();
  });

  it('a hard bounce and complaints suppress their readers; delayed and soft are not bounces; the rest is kept', async () => {
    sink = await startSmtpSink();
    t = await testPipeline({ SMTP_URL: sink.url, BOUNCE_DOMAIN: 'bounces.news.example' });
    const ids = await t.addSubscribers(5);
    await t.writeArticle('harbour.txt', sampleWire('The harbour reopened on Monday.'));
    t.startWorkers();
    const editionId = await t.publish();
    await waitForEdition(t.ctx, editionId, { timeoutMs: 15_000, intervalMs: 50 });
    const copy = (i: number) => sink.received.find((m) => m.to[0] === `reader${i}@example.org`)!;
    const messageId = (i: number) =>
      /^Message-ID: (.+)$/m.exec(copy(i).raw.toString('latin1'))![1]!.trim();

    const inbound = t.ctx.inbound;
    server = await startInboundServer({
      host: '127.0.0.1',
      port: 0,
      domain: 'bounces.news.example',
      onMessage: (msg) => handleInbound(t.ctx, msg.raw, msg),
    });
    const client = nodemailer.createTransport({
      host: '127.0.0.1',
      port: server.port,
      secure: false,
      ignoreTLS: true,
    });
    const send = (to: string, raw: string) =>
      client.sendMail({ envelope: { from: '', to: [to] }, raw });

    // 1. A hard bounce, to reader0's own VERP address.
    await send(copy(0).from, dsn('reader0@example.org', 'failed', '5.1.1'));
    // 2, 3. A delayed notice and a soft bounce for reader1: neither is a bounce.
    await send(copy(1).from, dsn('reader1@example.org', 'delayed', '4.4.7'));
    await send(copy(1).from, dsn('reader1@example.org', 'failed', '4.2.2'));
    // 4. An ARF complaint to the plain bounce address: Original-Rcpt-To and the returned Message-ID.
    await send(
      'abuse-reports@bounces.news.example',
      arf(
        'reader2@example.org',
        `From: digest@news.example${CRLF}Message-ID: ${messageId(2)}${CRLF}Subject: x${CRLF}`,
      ),
    );
    // 5. A complaint with only the returned headers: their Return-Path is reader3's VERP address.
    await send(
      'fbl@bounces.news.example',
      report(
        'feedback-report',
        'Feedback-Type: abuse\r\nVersion: 1',
        `Return-Path: <${copy(3).from}>${CRLF}From: digest@news.example${CRLF}Message-ID: ${messageId(3)}${CRLF}`,
      ),
    );
    // 6. Malformed: no report at all. Kept, and the listener carries on.
    await send('bounces@bounces.news.example', notAReport);
    // Mail for another domain is refused: no open relay.
    await expect(
      send('someone@example.org', dsn('x@example.org', 'failed', '5.1.1')),
    ).rejects.toMatchObject({
      responseCode: 550,
    });

    const suppressed = await t.ctx.suppressions.list();
    expect(suppressed.map((s) => [s.email, s.reason, s.source]).sort()).toEqual([
      ['reader0@example.org', 'hard-bounce', 'dsn'],
      ['reader2@example.org', 'complaint', 'arf'],
      ['reader3@example.org', 'complaint', 'arf'],
    ]);
    const statuses = (await t.ctx.subscribers.getMany(ids)).map((s) => s?.status);
    expect(statuses).toEqual(['bounced', 'active', 'complained', 'complained', 'active']);
    expect(await t.ctx.deliveries.get(editionId, ids[0]!)).toMatchObject({
      state: 'bounced',
      lastError: expect.stringMatching(/^DSN: 5\.1\.1/),
    });
    expect(await t.ctx.deliveries.get(editionId, ids[1]!)).toMatchObject({ state: 'sent' });
    // status --json: per edition, the bounce and complaint rates over the 5 copies that left.
    const [status] = (await statusReport(t.ctx, editionId)).editions;
    expect(status!.rates).toEqual({ complaints: 2, bounceRate: 0.2, complaintRate: 0.4 });
    const kept = await inbound.list();
    expect(kept).toEqual([
      expect.objectContaining({ reason: expect.stringMatching(/^malformed/) }),
    ]);
  }, 60_000);
});

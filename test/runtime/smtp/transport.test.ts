import { afterEach, describe, expect, it } from 'vitest';
import { UncertainDeliveryError } from '../../../src/runtime/errors.js';
import { TransientDeliveryError } from '../../../src/runtime/smtp/classify.js';
import {
  createSmtpTransport,
  type MailTransport,
  type SmtpEngine,
} from '../../../src/runtime/smtp/transport.js';
import { startSmtpSink } from '../../helpers/smtp.js';

type Stage = 'mail' | 'rcpt' | 'data' | 'never';

/** A real server that drops the connection at one stage of the transaction, else says 250. */
async function droppingServer(stage: Stage) {
  const sink = await startSmtpSink({
    onMailFrom: () => (stage === 'mail' ? 'drop' : undefined),
    onRcpt: () => (stage === 'rcpt' ? 'drop' : undefined),
    // The whole message is there; with 'data' the reply to "." is lost.
    onData: () => (stage === 'data' ? 'drop' : 'accept'),
  });
  return {
    url: sink.url,
    received: () => sink.received.length + sink.dropped.length,
    close: sink.close,
  };
}

const message = (bytes: number) => ({
  from: 'digest@news.example',
  to: 'reader@example.org',
  messageId: '<m1@news.example>',
  raw: Buffer.from(`Message-ID: <m1@news.example>\r\nSubject: t\r\n\r\n${'x'.repeat(bytes)}\r\n`),
  dataSafe: true,
});

describe.each<SmtpEngine>(['direct', 'pool'])(
  'the SMTP transport (%s): was the message handed over when the connection dropped?',
  (engine) => {
    let transport: MailTransport | undefined;
    let close: (() => Promise<void>) | undefined;
    afterEach(async () => {
      await transport?.close();
      await close?.();
    });

    for (const stage of ['mail', 'rcpt'] as const) {
      it(`a drop during ${stage === 'mail' ? 'MAIL FROM' : 'RCPT TO'}: not handed over, worth another try`, async () => {
        const server = await droppingServer(stage);
        close = server.close;
        transport = createSmtpTransport({ url: server.url, poolSize: 1, timeoutMs: 2000, engine });
        // Large enough that nodemailer's stream stages could have buffered all of it before DATA.
        const err = await transport.send(message(60_000)).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(TransientDeliveryError);
        expect(server.received()).toBe(0);
      });
    }

    for (const bytes of [10, 60_000, 300_000]) {
      it(`a drop after all ${bytes} bytes went out: uncertain`, async () => {
        const server = await droppingServer('data');
        close = server.close;
        transport = createSmtpTransport({ url: server.url, poolSize: 1, timeoutMs: 2000, engine });
        const err = await transport.send(message(bytes)).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(UncertainDeliveryError);
        expect(server.received()).toBe(1);
      });
    }

    it('a 250: the response and our Message-ID', async () => {
      const server = await droppingServer('never');
      close = server.close;
      transport = createSmtpTransport({ url: server.url, poolSize: 1, engine });
      const res = await transport.send(message(1000));
      expect(res).toEqual({
        messageId: '<m1@news.example>',
        response: expect.stringMatching(/^250/),
      });
    });
  },
);

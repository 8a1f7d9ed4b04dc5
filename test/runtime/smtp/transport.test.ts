import { afterEach, describe, expect, it } from 'vitest';
import { PermanentDeliveryError, UncertainDeliveryError } from '../../../src/runtime/errors.js';
import { TransientDeliveryError } from '../../../src/runtime/smtp/classify.js';
import {
  createSmtpTransport,
  type MailTransport,
  type SmtpEngine,
} from '../../../src/runtime/smtp/transport.js';
import { startSmtpSink, type SmtpSink } from '../../helpers/smtp.js';

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

describe.each<SmtpEngine>(['direct', 'pool'])(
  'the SMTP transport (%s): the conversation',
  (engine) => {
    let transport: MailTransport | undefined;
    let sink: SmtpSink | undefined;
    afterEach(async () => {
      await transport?.close();
      await sink?.close();
    });

    it('a data-safe message arrives byte for byte; one that is not is mended on the way', async () => {
      sink = await startSmtpSink();
      transport = createSmtpTransport({ url: sink.url, poolSize: 1, engine });
      const safe = message(70_000);
      await transport.send(safe);
      // Not composed by us: a line opening with a dot, a bare LF, no CRLF at the end.
      const rough = Buffer.from('Subject: t\r\n\r\n.hidden\nline\r\n..two\r\nlast');
      await transport.send({ ...safe, raw: rough, dataSafe: false });
      expect(sink.received.map((m) => m.raw.toString('latin1'))).toEqual([
        safe.raw.toString('latin1'),
        'Subject: t\r\n\r\n.hidden\r\nline\r\n..two\r\nlast\r\n',
      ]);
    });

    it('a refused recipient is permanent, a 421 throttles, and the connection goes on', async () => {
      const sessions = new Set<string>();
      sink = await startSmtpSink({
        onConnect: (s) => sessions.add(s.id),
        onRcpt: (address) =>
          address.startsWith('gone')
            ? { code: 550, message: 'no such user' }
            : address.startsWith('busy')
              ? { code: 421, message: 'try later' }
              : undefined,
      });
      transport = createSmtpTransport({ url: sink.url, poolSize: 1, engine });
      const gone = await transport
        .send({ ...message(100), to: 'gone@example.org' })
        .catch((e) => e);
      expect(gone).toBeInstanceOf(PermanentDeliveryError);
      await transport.send(message(100));
      const busy = await transport
        .send({ ...message(100), to: 'busy@example.org' })
        .catch((e) => e);
      expect(busy).toBeInstanceOf(TransientDeliveryError);
      // nodemailer's pool reports the connection the server closed after its 421, not the 421.
      expect((busy as TransientDeliveryError).throttle).toBe(engine === 'direct');
      await transport.send(message(100));
      expect(sink.received.map((m) => m.to)).toEqual([
        ['reader@example.org'],
        ['reader@example.org'],
      ]);
      // The 550 did not cost a connection (reset and kept); the 421 may.
      expect(sessions.size).toBeLessThanOrEqual(2);
    });

    it('logs in with the credentials in the URL, and a wrong password is an error', async () => {
      sink = await startSmtpSink({ auth: { user: 'gazette', pass: 's3cret' } });
      const url = (pass: string) => sink!.url.replace('smtp://', `smtp://gazette:${pass}@`);
      transport = createSmtpTransport({ url: url('s3cret'), poolSize: 1, engine });
      await transport.send(message(100));
      expect(sink.received).toHaveLength(1);
      await transport.close();
      transport = createSmtpTransport({ url: url('wrong'), poolSize: 1, engine });
      const err = await transport.send(message(100)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PermanentDeliveryError);
      expect(sink.received).toHaveLength(1);
    });

    it('holds at most poolSize connections, each sending one message after another', async () => {
      const sessions = new Set<string>();
      sink = await startSmtpSink({ onConnect: (s) => sessions.add(s.id), replyDelayMs: 20 });
      transport = createSmtpTransport({ url: sink.url, poolSize: 2, engine });
      await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          transport!.send({ ...message(1000), to: `r${i}@example.org` }),
        ),
      );
      expect(sink.received).toHaveLength(12);
      expect(sessions.size).toBeLessThanOrEqual(2);
    });
  },
);

import { SMTPServer, type SMTPServerSession } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import { UncertainDeliveryError } from '../../src/errors.js';
import { TransientDeliveryError } from '../../src/mail/classify.js';
import { createSmtpTransport, type MailTransport } from '../../src/mail/transport.js';

type Stage = 'mail' | 'rcpt' | 'data' | 'never';

/** A server that drops the connection at one stage of the transaction, else says 250. */
async function droppingServer(stage: Stage) {
  const drop = (session: SMTPServerSession) => {
    const conns = (
      server as unknown as { connections: Set<{ id: string; _socket: { destroy(): void } }> }
    ).connections;
    [...conns].find((c) => c.id === session.id)?._socket.destroy();
  };
  let received = 0;
  const server: SMTPServer = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onMailFrom: (_a, session, cb) => (stage === 'mail' ? drop(session) : cb()),
    onRcptTo: (_a, session, cb) => (stage === 'rcpt' ? drop(session) : cb()),
    onData(stream, session, cb) {
      stream.resume();
      stream.on('end', () => {
        received++;
        // The whole message is here; the reply to "." is lost.
        if (stage === 'data') drop(session);
        else cb(null, 'Queued');
      });
    },
  });
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as { port: number };
  return {
    url: `smtp://127.0.0.1:${port}`,
    received: () => received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const message = (bytes: number) => ({
  from: 'digest@news.example',
  to: 'reader@example.org',
  messageId: '<m1@news.example>',
  raw: Buffer.from(`Message-ID: <m1@news.example>\r\nSubject: t\r\n\r\n${'x'.repeat(bytes)}\r\n`),
});

describe('the SMTP transport: was the message handed over when the connection dropped?', () => {
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
      transport = createSmtpTransport({ url: server.url, poolSize: 1, timeoutMs: 2000 });
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
      transport = createSmtpTransport({ url: server.url, poolSize: 1, timeoutMs: 2000 });
      const err = await transport.send(message(bytes)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UncertainDeliveryError);
      expect(server.received()).toBe(1);
    });
  }

  it('a 250: the response and our Message-ID', async () => {
    const server = await droppingServer('never');
    close = server.close;
    transport = createSmtpTransport({ url: server.url, poolSize: 1 });
    const res = await transport.send(message(1000));
    expect(res).toEqual({
      messageId: '<m1@news.example>',
      response: expect.stringMatching(/^250/),
    });
  });
});

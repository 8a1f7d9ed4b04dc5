import { simpleParser, type ParsedMail } from 'mailparser';

/** A header as sent, unfolded (mailparser turns List-* headers into objects). */
export function rawHeader(mail: ParsedMail, name: string): string | undefined {
  const line = mail.headerLines.find((h) => h.key === name.toLowerCase())?.line;
  return line
    ?.slice(line.indexOf(':') + 1)
    .replace(/\r?\n[ \t]+/g, ' ')
    .trim();
}
import { SMTPServer, type SMTPServerSession } from 'smtp-server';

export interface Received {
  from: string;
  to: string[];
  raw: Buffer;
}

/** What the sink answers after the data of one message: 250, a code, or a dropped connection. */
export type DataVerdict = 'accept' | 'drop' | { code: number; message: string };

export interface SinkOptions {
  /** Per RCPT TO: undefined accepts, else the SMTP code and text to refuse with. */
  onRcpt?: (address: string) => { code: number; message: string } | undefined;
  onData?: (msg: Received, index: number) => DataVerdict;
  /** Hold the final reply this long (a slow or stalled server). */
  replyDelayMs?: number;
}

export interface SmtpSink {
  port: number;
  url: string;
  /** Every message the sink said 250 to (and those it dropped the connection on, in `dropped`). */
  received: Received[];
  dropped: Received[];
  parsed(): Promise<ParsedMail[]>;
  close(): Promise<void>;
}

/** A real SMTP server in this process (smtp-server), keeping what it accepts for the test to read. */
export async function startSmtpSink(opts: SinkOptions = {}): Promise<SmtpSink> {
  const received: Received[] = [];
  const dropped: Received[] = [];
  let seen = 0;
  const server: SMTPServer = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    size: 10 * 1024 * 1024,
    onRcptTo(address, _session, cb) {
      const refusal = opts.onRcpt?.(address.address);
      if (!refusal) return cb();
      const err = Object.assign(new Error(refusal.message), { responseCode: refusal.code });
      cb(err);
    },
    onData(stream, session: SMTPServerSession, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const msg: Received = {
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks),
        };
        const verdict = opts.onData?.(msg, seen++) ?? 'accept';
        const reply = () => {
          if (verdict === 'drop') {
            dropped.push(msg);
            // The reply to "." is lost: the client cannot know whether we kept the message.
            const conn = [
              ...(
                server as unknown as {
                  connections: Set<{ id: string; _socket: { destroy(): void } }>;
                }
              ).connections,
            ].find((c) => c.id === session.id);
            conn?._socket.destroy();
            return;
          }
          if (verdict === 'accept') {
            received.push(msg);
            return cb(null, 'Queued');
          }
          cb(Object.assign(new Error(verdict.message), { responseCode: verdict.code }));
        };
        if (opts.replyDelayMs) setTimeout(reply, opts.replyDelayMs);
        else reply();
      });
    },
  });
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as { port: number }).port;
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    received,
    dropped,
    parsed: () => Promise.all(received.map((m) => simpleParser(m.raw))),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

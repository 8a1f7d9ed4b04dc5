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

interface Received {
  from: string;
  to: string[];
  raw: Buffer;
  /** The SMTP session it came in (one per client connection). */
  sessionId: string;
  /** When the data ended (ms since epoch): send rates are measured from these. */
  at: number;
}

/** What the sink answers after the data of one message: 250, a code, or a dropped connection. */
export type DataVerdict = 'accept' | 'drop' | { code: number; message: string };

/** What the sink says to MAIL FROM or RCPT TO: undefined accepts; 'drop' cuts the connection. */
type CommandVerdict = undefined | 'drop' | { code: number; message: string };

export interface SinkOptions {
  /** A client connected (its port tells which process it is). */
  onConnect?: (session: { id: string; remotePort: number }) => void;
  onMailFrom?: (address: string) => CommandVerdict;
  /** Per RCPT TO. */
  onRcpt?: (address: string) => CommandVerdict;
  /** The reply to "."; a promise holds it until it settles (a stalled server). */
  onData?: (msg: Received, index: number) => DataVerdict | Promise<DataVerdict>;
  /** Hold the final reply this long (a slow server). */
  replyDelayMs?: number;
  /** Keep only the header block of each message (long runs: the body is read and dropped). */
  headersOnly?: boolean;
  /** Listen on this port (default: a free one). */
  port?: number;
  /**
   * A receiving domain's throttling, answered to RCPT TO before `onRcpt` is asked: `code`
   * (default 421, Gmail's `4.7.28`) for recipients at `domains`, the first `first` times, or for
   * `forMs` from the first such refusal, or (neither) always.
   */
  throttle?: { domains: string[]; code?: number; message?: string; first?: number; forMs?: number };
  /** Require AUTH (PLAIN/LOGIN, over plain TCP) with these credentials. */
  auth?: { user: string; pass: string };
}

export interface SmtpSink {
  port: number;
  url: string;
  /** Every message the sink said 250 to (and those it dropped the connection on, in `dropped`). */
  received: Received[];
  dropped: Received[];
  /** The RCPT TOs `throttle` refused, and when. */
  throttled: { to: string; at: number }[];
  parsed(): Promise<ParsedMail[]>;
  close(): Promise<void>;
}

/** A real SMTP server in this process (smtp-server), keeping what it accepts for the test to read. */
export async function startSmtpSink(opts: SinkOptions = {}): Promise<SmtpSink> {
  const received: Received[] = [];
  const dropped: Received[] = [];
  const throttled: { to: string; at: number }[] = [];
  const throttle = opts.throttle;
  const throttles = (address: string): CommandVerdict => {
    if (!throttle) return undefined;
    const domain = address.slice(address.lastIndexOf('@') + 1).toLowerCase();
    if (!throttle.domains.includes(domain)) return undefined;
    if (throttle.first !== undefined && throttled.length >= throttle.first) return undefined;
    const since = throttled[0]?.at ?? Date.now();
    if (throttle.forMs !== undefined && Date.now() - since >= throttle.forMs) return undefined;
    throttled.push({ to: address, at: Date.now() });
    const code = throttle.code ?? 421;
    return {
      code,
      message:
        throttle.message ??
        `4.7.28 [${domain}] Our system has detected an unusual rate of unsolicited mail. Try again later`,
    };
  };
  let seen = 0;
  type Conn = { id: string; _socket: { destroy(): void } };
  const connections = (): Conn[] => [
    ...(server as unknown as { connections: Set<Conn> }).connections,
  ];
  /** Cuts the client's connection: whatever it was waiting for, no reply comes. */
  const drop = (session: SMTPServerSession) => {
    connections()
      .find((c) => c.id === session.id)
      ?._socket.destroy();
  };
  const answer = (verdict: CommandVerdict, session: SMTPServerSession, cb: (e?: Error) => void) => {
    if (!verdict) return cb();
    if (verdict === 'drop') return drop(session);
    cb(Object.assign(new Error(verdict.message), { responseCode: verdict.code }));
  };
  const server: SMTPServer = new SMTPServer({
    authOptional: !opts.auth,
    allowInsecureAuth: true,
    disabledCommands: opts.auth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    onAuth(auth, _session, cb) {
      if (opts.auth && auth.username === opts.auth.user && auth.password === opts.auth.pass)
        return cb(null, { user: auth.username });
      cb(Object.assign(new Error('Invalid credentials'), { responseCode: 535 }));
    },
    logger: false,
    size: 10 * 1024 * 1024,
    onConnect(session, cb) {
      opts.onConnect?.({ id: session.id, remotePort: session.remotePort });
      cb();
    },
    onMailFrom: (address, session, cb) => answer(opts.onMailFrom?.(address.address), session, cb),
    onRcptTo: (address, session, cb) =>
      answer(throttles(address.address) ?? opts.onRcpt?.(address.address), session, cb),
    onData(stream, session: SMTPServerSession, cb) {
      const chunks: Buffer[] = [];
      let headDone = false;
      stream.on('data', (c: Buffer) => {
        if (headDone) return;
        chunks.push(c);
        if (opts.headersOnly && Buffer.concat(chunks).includes('\r\n\r\n')) headDone = true;
      });
      stream.on('end', async () => {
        let raw = Buffer.concat(chunks);
        if (opts.headersOnly) raw = raw.subarray(0, Math.max(0, raw.indexOf('\r\n\r\n')));
        const msg: Received = {
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw,
          sessionId: session.id,
          at: Date.now(),
        };
        const verdict = (await opts.onData?.(msg, seen++)) ?? 'accept';
        const reply = () => {
          if (verdict === 'drop') {
            dropped.push(msg);
            // The reply to "." is lost: the client cannot know whether we kept the message.
            drop(session);
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
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
  const port = (server.server.address() as { port: number }).port;
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    received,
    dropped,
    throttled,
    parsed: () => Promise.all(received.map((m) => simpleParser(m.raw))),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Clients still connected (a stalled reply) would hold close() open.
        for (const c of connections()) c._socket.destroy();
      }),
  };
}

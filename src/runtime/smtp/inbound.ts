import { SMTPServer, type SMTPServerSession } from 'smtp-server';

export interface InboundMessage {
  from: string;
  to: string[];
  raw: Buffer;
}

export interface InboundServer {
  port: number;
  close(): Promise<void>;
}

/**
 * The SMTP listener of `gazette inbound` (smtp-server): mail for `domain` only (any other RCPT is
 * refused with 550, so it is never an open relay), at most `maxBytes` a message. The handler's
 * failure (Redis away) answers 451: the sending MTA keeps the report and tries again later.
 */
export async function startInboundServer(opts: {
  host: string;
  port: number;
  domain: string;
  maxBytes?: number;
  onMessage(msg: InboundMessage): Promise<unknown>;
  onError?(err: Error): void;
}): Promise<InboundServer> {
  const suffix = `@${opts.domain.toLowerCase()}`;
  const maxBytes = opts.maxBytes ?? 5 * 1024 * 1024;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH'],
    logger: false,
    size: maxBytes,
    banner: 'Gazette inbound: bounces and feedback reports only',
    onRcptTo(address, _session, cb) {
      if (!address.address.toLowerCase().endsWith(suffix)) {
        return cb(
          Object.assign(new Error('5.7.1 not a bounce address here'), { responseCode: 550 }),
        );
      }
      cb();
    },
    onData(stream, session: SMTPServerSession, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if ((stream as unknown as { sizeExceeded?: boolean }).sizeExceeded) {
          return cb(Object.assign(new Error('5.3.4 message too big'), { responseCode: 552 }));
        }
        const msg: InboundMessage = {
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks),
        };
        opts.onMessage(msg).then(
          () => cb(null, 'report received'),
          (err: unknown) => {
            opts.onError?.(err instanceof Error ? err : new Error(String(err)));
            cb(Object.assign(new Error('4.3.0 try again later'), { responseCode: 451 }));
          },
        );
      });
    },
  });
  server.on('error', (err) => opts.onError?.(err));
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  return {
    port: (server.server.address() as { port: number }).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

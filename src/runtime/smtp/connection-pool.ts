import { Readable } from 'node:stream';
import { parseConnectionUrl } from 'nodemailer/lib/shared';
import { canSendPrepared, PreparedConnection } from './prepared-connection.js';

export interface ConnectionPoolOptions {
  /** SMTP_URL: host, port, `smtps:` for TLS from the start, user and password, `?` options. */
  url: string;
  size: number;
  /** Messages per second across the pool; unset for no limit. */
  rateLimit?: number;
  timeoutMs: number;
  /** Messages a connection sends before it is replaced (nodemailer's pool: maxMessages). */
  maxMessages?: number;
}

export interface PooledMail {
  from: string;
  to: string;
  raw: Buffer;
  /** CRLF line ends only, no line starting with '.', ending in CRLF: sent as it is. */
  dataSafe: boolean;
  /** Every byte of the message is on the socket: a drop from now on may have delivered it. */
  onHandedOver: () => void;
}

interface Slot {
  conn: PreparedConnection;
  sent: number;
  /** The server closed it, or it failed: never handed out again. */
  dead: boolean;
}

type SmtpError = Error & { code?: string; responseCode?: number };

/**
 * nodemailer's timeouts for one SMTP_TIMEOUT_MS, the same for both engines: the socket's, and at
 * most 10 s to connect and to be greeted (a server that is not there should not take 30).
 */
export function smtpTimeouts(timeoutMs: number) {
  return {
    connectionTimeout: Math.min(timeoutMs, 10_000),
    greetingTimeout: Math.min(timeoutMs, 10_000),
    socketTimeout: timeoutMs,
  };
}

/**
 * At most `size` SMTP connections of our own (PreparedConnection), each kept open for
 * `maxMessages` messages, one message at a time on each. What nodemailer's pool did for us, kept
 * the same: connection options and auth from the URL (TLS, STARTTLS, `?tls.*`), its timeouts,
 * its error objects (classify.ts reads them), a connection reset and kept after the server
 * refused one message, closed after anything else, and never a message sent again on its own.
 */
export class SmtpConnectionPool {
  private readonly idle: Slot[] = [];
  private readonly waiting: (() => void)[] = [];
  private free: number;
  private closed = false;
  private readonly connectionOptions: Record<string, unknown>;
  private readonly auth: { user: string; pass: string } | undefined;
  private windowStart = 0;
  private windowCount = 0;

  constructor(private readonly opts: ConnectionPoolOptions) {
    if (!canSendPrepared)
      throw new Error(
        "this nodemailer's SMTPConnection lacks the internals SMTP_ENGINE=direct uses; set SMTP_ENGINE=pool",
      );
    const { auth, ...fromUrl } = parseConnectionUrl(opts.url);
    this.auth = auth?.user ? auth : undefined;
    this.connectionOptions = {
      ...fromUrl,
      ...smtpTimeouts(opts.timeoutMs),
    };
    this.free = opts.size;
  }

  /** Resolves with the server's reply to the data; rejects with nodemailer's error. */
  async send(mail: PooledMail): Promise<string> {
    if (this.closed)
      throw Object.assign(new Error('the SMTP pool is closed'), { code: 'ECONNECTION' });
    await this.pace();
    await this.acquire();
    let slot: Slot;
    try {
      slot = this.takeIdle() ?? (await this.connect());
    } catch (err) {
      this.release();
      throw err;
    }
    return new Promise<string>((resolve, reject) => {
      const envelope = { from: mail.from, to: [mail.to] };
      const done = (err: SmtpError | null, info?: { response?: string }) => {
        slot.sent++;
        if (err) {
          this.afterError(slot, err);
          reject(err);
        } else {
          this.putBack(slot);
          resolve(String(info?.response ?? ''));
        }
      };
      if (mail.dataSafe) {
        slot.conn.sendPrepared(envelope, mail.raw, mail.onHandedOver, done);
      } else {
        // Through nodemailer's DataStream; the stream ends once the DATA stream has read it all.
        const raw = mail.raw;
        const stream = new Readable({
          read() {
            this.push(raw);
            this.push(null);
          },
        });
        stream.once('end', mail.onHandedOver);
        slot.conn.send(envelope, stream, done);
      }
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const slot of this.idle.splice(0)) slot.conn.quit();
  }

  private acquire(): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free++;
  }

  /** SMTP_RATE_LIMIT: at most that many sends start in any one second. */
  private async pace(): Promise<void> {
    const limit = this.opts.rateLimit;
    if (!limit) return;
    for (;;) {
      const now = Date.now();
      if (now - this.windowStart >= 1000) {
        this.windowStart = now;
        this.windowCount = 0;
      }
      if (this.windowCount < limit) {
        this.windowCount++;
        return;
      }
      await new Promise((r) => setTimeout(r, this.windowStart + 1000 - now));
    }
  }

  private takeIdle(): Slot | undefined {
    for (let slot = this.idle.pop(); slot; slot = this.idle.pop()) {
      if (!slot.dead) return slot;
    }
    return undefined;
  }

  private putBack(slot: Slot): void {
    if (this.closed || slot.dead || slot.sent >= (this.opts.maxMessages ?? 1000)) {
      slot.dead = true;
      slot.conn.quit();
    } else {
      this.idle.push(slot);
    }
    this.release();
  }

  /**
   * A refused message (the server's reply to the envelope or the data, not a 421) leaves the
   * connection usable once reset; anything else closes it. The permit is held until then.
   */
  private afterError(slot: Slot, err: SmtpError): void {
    const refused =
      (err.code === 'EENVELOPE' || err.code === 'EMESSAGE') &&
      err.responseCode !== undefined &&
      err.responseCode !== 421;
    if (!refused || slot.dead || this.closed) {
      slot.dead = true;
      slot.conn.close();
      this.release();
      return;
    }
    // The RSET's answer, or the connection's end, whichever comes first, gives the permit back: a
    // connection lost during the RSET never calls back, and must not take a permit with it.
    let settled = false;
    const settle = (reusable: boolean) => {
      if (settled) return;
      settled = true;
      slot.conn.off('end', onEnd);
      if (reusable && !slot.dead) return this.putBack(slot);
      slot.dead = true;
      slot.conn.close();
      this.release();
    };
    const onEnd = () => settle(false);
    slot.conn.once('end', onEnd);
    slot.conn.reset((resetErr) => settle(!resetErr));
  }

  private connect(): Promise<Slot> {
    return new Promise((resolve, reject) => {
      const conn = new PreparedConnection(this.connectionOptions);
      const slot: Slot = { conn, sent: 0, dead: false };
      let settled = false;
      const fail = (err: Error) => {
        slot.dead = true;
        if (settled) return;
        settled = true;
        conn.close();
        reject(err);
      };
      // After the connection is up, an error also reaches the send in flight, if any, through
      // its callback: here it only retires the connection (an idle one timed out or was closed).
      conn.on('error', fail);
      conn.once('end', () =>
        fail(Object.assign(new Error('Connection closed'), { code: 'ECONNECTION' })),
      );
      conn.connect((err) => {
        if (err) return fail(err);
        if (!this.auth || !conn.allowsAuth) {
          settled = true;
          return resolve(slot);
        }
        conn.login(this.auth, (loginErr) => {
          if (loginErr) return fail(loginErr);
          settled = true;
          resolve(slot);
        });
      });
    });
  }
}

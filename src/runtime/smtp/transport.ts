import { createHash } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import nodemailer from 'nodemailer';
import type SMTPPool from 'nodemailer/lib/smtp-pool/index.js';
import { classifySendError } from './classify.js';
import { SmtpConnectionPool, smtpTimeouts } from './connection-pool.js';

/** One prepared message for one recipient; `raw` is the whole RFC 5322 message. */
export interface OutgoingMail {
  from: string;
  to: string;
  raw: Buffer;
  messageId: string;
  /**
   * `raw` has CRLF line ends only, no line starting with '.', and ends in CRLF (compose.ts makes
   * every edition's copies so): SMTP_ENGINE=direct sends it without looking at its bytes again.
   */
  dataSafe?: boolean;
}

export interface SendResult {
  messageId: string;
  response: string;
}

export interface MailTransport {
  readonly kind: 'smtp' | 'outbox';
  /** Resolves on the server's 250; rejects with a classified delivery error. */
  send(mail: OutgoingMail): Promise<SendResult>;
  close(): Promise<void>;
}

export interface SmtpOptions {
  url: string;
  poolSize: number;
  /** Messages per second across the pool; unset for no limit. */
  rateLimit?: number;
  /** Per-connection socket timeouts in ms (a stalled server must not hang a worker). */
  timeoutMs?: number;
  /** `direct` (default): our pool of SMTPConnections; `pool`: nodemailer's pool. */
  engine?: SmtpEngine;
}

export type SmtpEngine = 'direct' | 'pool';

/** Our field on a message's send options: called once nodemailer has read the whole message. */
interface HandoverOptions {
  onHandedOver?: () => void;
}

/**
 * A nodemailer pool. `maxRequeues: 0`: the pool must never resend a message on its own after a
 * dropped connection, since the drop may have come after the server took the message; whether to
 * send again is ours to decide (see classify.ts).
 */
export function createSmtpTransport(opts: SmtpOptions): MailTransport {
  return opts.engine === 'pool' ? createPoolTransport(opts) : createDirectTransport(opts);
}

/**
 * Our SmtpConnectionPool: the same SMTP conversation, but a data-safe message goes to the socket
 * as it is (no MailMessage, MimeNode, stream pipeline or DataStream per copy). `onHandedOver` is
 * exact: set once the last byte and the terminator are written, never before the server's 354.
 */
function createDirectTransport(opts: SmtpOptions): MailTransport {
  const pool = new SmtpConnectionPool({
    url: opts.url,
    size: opts.poolSize,
    timeoutMs: opts.timeoutMs ?? 30_000,
    ...(opts.rateLimit ? { rateLimit: opts.rateLimit } : {}),
  });
  return {
    kind: 'smtp',
    async send(mail) {
      let handedOver = false;
      try {
        const response = await pool.send({
          from: mail.from,
          to: mail.to,
          raw: mail.raw,
          dataSafe: mail.dataSafe === true,
          onHandedOver: () => {
            handedOver = true;
          },
        });
        return { messageId: mail.messageId, response };
      } catch (err) {
        throw classifySendError(err, handedOver);
      }
    },
    close: () => pool.close(),
  };
}

function createPoolTransport(opts: SmtpOptions): MailTransport {
  const timeout = opts.timeoutMs ?? 30_000;
  const transporter = nodemailer.createTransport({
    url: opts.url,
    pool: true,
    maxConnections: opts.poolSize,
    maxMessages: 1000,
    maxRequeues: 0,
    ...smtpTimeouts(timeout),
    // The message is ours, complete: nothing in it may make nodemailer read a file or a URL.
    disableFileAccess: true,
    disableUrlAccess: true,
    ...(opts.rateLimit ? { rateDelta: 1000, rateLimit: opts.rateLimit } : {}),
  } as SMTPPool.Options);

  // The message stream is piped into the DATA stream only after the server's 354, so it ends
  // once every byte of the message has gone to the connection: from then on a lost connection
  // may have delivered it. Before that (a drop during MAIL FROM, RCPT TO or DATA) it cannot
  // have, and the send is worth another try. A stage would cost a copy; a listener costs nothing.
  transporter.use('stream', (mail, done) => {
    const onHandedOver = (mail.data as HandoverOptions).onHandedOver;
    if (onHandedOver) {
      mail.message.processFunc((input: Readable) => {
        input.once('end', onHandedOver);
        return input;
      });
    }
    done();
  });

  return {
    kind: 'smtp',
    async send(mail) {
      let handedOver = false;
      try {
        // A Buffer, not a stream of our own: nodemailer wraps it in one stream stage either way.
        // The Message-ID given here only spares nodemailer generating one; `raw` is sent as is.
        const options: SMTPPool.MailOptions & HandoverOptions = {
          envelope: { from: mail.from, to: [mail.to] },
          raw: mail.raw,
          messageId: mail.messageId,
          onHandedOver: () => {
            handedOver = true;
          },
        };
        const info = await transporter.sendMail(options);
        return { messageId: mail.messageId, response: String(info.response ?? '') };
      } catch (err) {
        throw classifySendError(err, handedOver);
      }
    },
    async close() {
      transporter.close();
    },
  };
}

/** `.eml` files in a directory: the default, which needs no mail server. */
export function createOutboxTransport(dir: string): MailTransport {
  let made = false;
  return {
    kind: 'outbox',
    async send(mail) {
      if (!made) {
        await mkdir(dir, { recursive: true });
        made = true;
      }
      const name = `${createHash('sha256').update(mail.messageId).digest('hex').slice(0, 24)}.eml`;
      const tmp = join(dir, `.${name}.tmp`);
      await writeFile(tmp, mail.raw);
      await rename(tmp, join(dir, name));
      return { messageId: mail.messageId, response: `250 written to ${join(dir, name)}` };
    },
    async close() {},
  };
}

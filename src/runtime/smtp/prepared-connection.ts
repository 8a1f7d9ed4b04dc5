import SMTPConnection from 'nodemailer/lib/smtp-connection';

type SendCallback = Parameters<SMTPConnection['send']>[2];
type ReplyCallback = (err: Error | null, reply?: string) => void;

/** What the DATA phase needs of nodemailer's SMTPConnection: not in its declared API. */
interface Internals {
  _socket: { write(chunk: Buffer): boolean; cork(): void; uncork(): void } | false | null;
  _responseActions: ((reply: string) => void)[];
  _createSendStream(callback: ReplyCallback): unknown;
  _actionSMTPStream(reply: string, callback: ReplyCallback): void;
}

const base = SMTPConnection.prototype as unknown as Internals;
/**
 * package-lock pins the version these internals were read in. Should an upgrade rename them, the
 * override below would never run and a prepared send would lose its hand-over signal, so the pool
 * refuses to start instead (SMTP_ENGINE=pool still works), and the transport's tests fail.
 */
export const canSendPrepared =
  typeof base._createSendStream === 'function' && typeof base._actionSMTPStream === 'function';

/** `.` on a line of its own ends the data (RFC 5321 §4.1.1.4); a prepared message ends in CRLF. */
const TERMINATOR = Buffer.from('.\r\n', 'latin1');
const CRLF_TERMINATOR = Buffer.from('\r\n.\r\n', 'latin1');

/**
 * nodemailer's SMTPConnection (its greeting, EHLO, STARTTLS, AUTH, PIPELINING, timeouts and error
 * codes unchanged) that can send a message whose bytes are already data-safe as they are.
 *
 * `send` pipes every message through a DataStream, which looks at each byte in JavaScript to
 * stuff leading dots and mend bare CR/LF: about 0.7 ms for a 52 KB message, more than the rest of
 * the send. nodemailer offers no option to skip it (nor BDAT/CHUNKING), so for a message composed
 * data-safe (compose.ts: CRLF only, no line starting with '.') the DATA phase writes the bytes
 * straight to the socket, then the terminator; the reply goes to nodemailer's own handler.
 */
export class PreparedConnection extends SMTPConnection {
  /** The send in progress, when its bytes are data-safe; `onWritten` fires after its last byte. */
  private prepared: { onWritten: () => void } | undefined;

  /**
   * Send `raw` (data-safe, ending in CRLF) to one recipient. `onWritten` is called once every byte
   * and the terminator are on the socket: before that the server cannot have taken the message.
   */
  sendPrepared(
    envelope: { from: string; to: string[] },
    raw: Buffer,
    onWritten: () => void,
    done: SendCallback,
  ): void {
    this.prepared = { onWritten };
    this.send(envelope, raw, (err, info) => {
      this.prepared = undefined;
      done(err, info!);
    });
  }

  /** Called by `send` after the 354 (nodemailer's internal hook); returns what `send` writes to. */
  _createSendStream(callback: ReplyCallback): unknown {
    const self = this as unknown as Internals;
    const prepared = this.prepared;
    if (!prepared) return base._createSendStream.call(this, callback);
    self._responseActions.push((reply) => self._actionSMTPStream(reply, callback));
    const socket = self._socket;
    let last = -1;
    let penultimate = -1;
    const stream = {
      outByteCount: 0,
      write(chunk: Buffer) {
        if (!socket) return;
        // The message and the terminator leave together (the socket has Nagle off).
        socket.cork();
        socket.write(chunk);
        stream.outByteCount += chunk.length;
        if (chunk.length >= 2) penultimate = chunk[chunk.length - 2]!;
        else if (chunk.length === 1) penultimate = last;
        if (chunk.length > 0) last = chunk[chunk.length - 1]!;
      },
      end() {
        if (!socket) return;
        const end = penultimate === 0x0d && last === 0x0a ? TERMINATOR : CRLF_TERMINATOR;
        socket.write(end);
        socket.uncork();
        stream.outByteCount += end.length;
        prepared.onWritten();
      },
    };
    return stream;
  }
}

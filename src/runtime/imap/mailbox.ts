import { ImapFlow } from 'imapflow';
import type { InboundMessage } from '../smtp/inbound.js';

/** Where bounces land (BOUNCE_IMAP_URL, read by runtime/config.ts). */
export interface ImapSettings {
  readonly host: string;
  readonly port: number;
  /** Implicit TLS (imaps://). */
  readonly secure: boolean;
  /** imap:// off the loopback: STARTTLS or no login at all. */
  readonly requireTls: boolean;
  readonly user: string;
  readonly password: string;
  readonly mailbox: string;
}

/** One stored message, with what stands in for the SMTP envelope an inbound listener would see. */
interface MailboxMessage extends InboundMessage {
  uid: number;
}

/** One open connection to the bounce mailbox, the mailbox selected; `close` in every case. */
export interface MailboxSession {
  /** The oldest `limit` messages not yet marked deleted, whole. */
  fetch(limit: number): Promise<MailboxMessage[]>;
  /** \Deleted and expunged, by UID: only these, whatever else came in meanwhile. */
  delete(uids: readonly number[]): Promise<void>;
  close(): Promise<void>;
}

/** The headers a delivering MTA writes with the envelope recipient (Postfix, Exim, Dovecot LDA). */
const ENVELOPE_HEADERS = ['delivered-to', 'x-original-to', 'return-path'];

/** `Name: <a@b>` or `Name: a@b` lines of a header block → the addresses, per header name. */
function headerAddresses(block: Buffer | undefined): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const text = (block?.toString('latin1') ?? '').replace(/\r?\n[ \t]+/g, ' ');
  for (const line of text.split(/\r?\n/)) {
    const m = /^([A-Za-z-]+):\s*(.*)$/.exec(line);
    if (!m) continue;
    const address = /<([^<>]*)>/.exec(m[2]!)?.[1] ?? m[2]!.trim();
    const name = m[1]!.toLowerCase();
    out.set(name, [...(out.get(name) ?? []), address]);
  }
  return out;
}

/**
 * Logs in and selects the mailbox (imapflow). IMAP has no envelope, so a message's `to` is what
 * the delivering MTA recorded (Delivered-To, X-Original-To) and then its To: a VERP address in
 * any of them matches the report as the SMTP listener's RCPT would. Timeouts are short: a
 * server that hangs fails this poll, and the next poll tries again.
 */
export async function openMailbox(
  settings: ImapSettings,
  opts: { onError?(err: Error): void; timeoutMs?: number } = {},
): Promise<MailboxSession> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const client = new ImapFlow({
    host: settings.host,
    port: settings.port,
    secure: settings.secure,
    ...(settings.requireTls ? { doSTARTTLS: true } : {}),
    auth: { user: settings.user, pass: settings.password },
    logger: false,
    disableAutoIdle: true,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs * 2,
  });
  // An 'error' event without a listener would end the process; the caller logs it instead.
  client.on('error', (err: Error) => opts.onError?.(err));
  await client.connect();
  let lock: { release(): void };
  try {
    lock = await client.getMailboxLock(settings.mailbox);
  } catch (err) {
    client.close();
    throw err;
  }
  return {
    async fetch(limit) {
      const uids = (await client.search({ deleted: false }, { uid: true })) || [];
      const oldest = [...uids].sort((a, b) => a - b).slice(0, limit);
      if (oldest.length === 0) return [];
      // fetchAll, not a loop over fetch(): no other command may run while a FETCH streams.
      const found = await client.fetchAll(
        oldest.join(','),
        { uid: true, source: true, envelope: true, headers: ENVELOPE_HEADERS },
        { uid: true },
      );
      return found
        .filter((m) => m.source)
        .map((m) => {
          const h = headerAddresses(m.headers);
          const to = [
            ...(h.get('delivered-to') ?? []),
            ...(h.get('x-original-to') ?? []),
            ...(m.envelope?.to ?? []).map((a) => a.address ?? ''),
          ].filter(Boolean);
          const from = h.get('return-path')?.[0] ?? m.envelope?.from?.[0]?.address ?? '';
          return { uid: m.uid, raw: m.source!, from, to: [...new Set(to)] };
        });
    },
    async delete(uids) {
      if (uids.length === 0) return;
      if (!(await client.messageDelete(uids.join(','), { uid: true })))
        throw new Error(`IMAP: messages ${uids.join(',')} were not deleted`);
    },
    async close() {
      lock.release();
      await client.logout().catch(() => client.close());
    },
  };
}

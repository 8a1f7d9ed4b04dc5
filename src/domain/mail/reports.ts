import { MalformedReportError } from '../../runtime/errors.js';

/**
 * Reports that come back after the SMTP session: delivery status notifications (RFC 3464) and
 * abuse feedback (ARF, RFC 5965), both `multipart/report`. Only the parts that carry the verdict
 * are read: the machine-readable report (`message/delivery-status`, `message/feedback-report`)
 * and the returned headers (`message/rfc822` or `text/rfc822-headers`) for their Message-ID and
 * envelope sender. Reports are 7-bit text by their RFCs; nothing is decoded.
 */

interface ReturnedHeaders {
  messageId?: string;
  /** The VERP envelope sender, when the returned headers kept a Return-Path. */
  returnPath?: string;
}

export interface DsnRecipient {
  action: string;
  status: string;
  finalRecipient?: string;
  diagnostic?: string;
}

export type InboundReport =
  | { kind: 'dsn'; recipients: DsnRecipient[]; original: ReturnedHeaders }
  | {
      kind: 'arf';
      feedbackType: string;
      originalRcptTo?: string;
      original: ReturnedHeaders;
    };

/** What a DSN recipient means for us: a failed 5.x.x is hard, a failed 4.x.x soft; the rest nothing. */
export function bounceKind(r: DsnRecipient): 'hard' | 'soft' | undefined {
  if (r.action !== 'failed') return undefined;
  if (r.status.startsWith('5.')) return 'hard';
  if (r.status.startsWith('4.')) return 'soft';
  return 'hard';
}

const CRLF_BLANK = /\r?\n\r?\n/;

/** Header fields of a block, unfolded, names lower case; the first of each name kept. */
function fields(block: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of block.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!out.has(name)) out.set(name, line.slice(colon + 1).trim());
  }
  return out;
}

function splitHead(text: string): { head: string; body: string } {
  const m = CRLF_BLANK.exec(text);
  if (!m) return { head: text, body: '' };
  return { head: text.slice(0, m.index), body: text.slice(m.index + m[0].length) };
}

function boundaryOf(contentType: string): string | undefined {
  return /boundary\s*=\s*(?:"([^"]+)"|([^;\s]+))/i.exec(contentType)?.slice(1).find(Boolean);
}

/** `rfc822; a@b` or `<a@b>` → `a@b`, lower case. */
function address(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const v = value.includes(';') ? value.slice(value.indexOf(';') + 1) : value;
  const a = v.trim().replace(/^<|>$/g, '').trim().toLowerCase();
  return /^[^@\s]+@[^@\s]+$/.test(a) ? a : undefined;
}

function returned(text: string): ReturnedHeaders {
  const f = fields(splitHead(text).head);
  const messageId = /<[^<>\s]+>/.exec(f.get('message-id') ?? '')?.[0];
  const returnPath = address(f.get('return-path'));
  return { ...(messageId ? { messageId } : {}), ...(returnPath ? { returnPath } : {}) };
}

/** Reads one inbound message; MalformedReportError when it is neither report. */
export function parseReport(raw: Buffer | string): InboundReport {
  const text = typeof raw === 'string' ? raw : raw.toString('latin1');
  const { head, body } = splitHead(text);
  const type = fields(head).get('content-type') ?? '';
  if (!/^multipart\/report\b/i.test(type)) throw new MalformedReportError('not a multipart/report');
  const boundary = boundaryOf(type);
  if (!boundary) throw new MalformedReportError('multipart/report without a boundary');
  const parts = body
    .split(`--${boundary}`)
    .slice(1)
    .filter((p) => !p.startsWith('--'))
    .map((p) => {
      const part = splitHead(p.replace(/^\r?\n/, ''));
      const ct = (fields(part.head).get('content-type') ?? 'text/plain').toLowerCase();
      return { type: ct.split(';')[0]!.trim(), body: part.body };
    });
  const originalPart = parts.find(
    (p) => p.type === 'message/rfc822' || p.type === 'text/rfc822-headers',
  );
  const original = originalPart ? returned(originalPart.body) : {};

  const status = parts.find((p) => p.type === 'message/delivery-status');
  if (status) {
    const groups = status.body.split(CRLF_BLANK).map(fields);
    const recipients = groups
      .filter((g) => g.has('action') && g.has('status'))
      .map((g): DsnRecipient => {
        const finalRecipient = address(g.get('final-recipient') ?? g.get('original-recipient'));
        const diagnostic = g.get('diagnostic-code');
        return {
          action: g.get('action')!.toLowerCase(),
          status: g.get('status')!,
          ...(finalRecipient ? { finalRecipient } : {}),
          ...(diagnostic ? { diagnostic: diagnostic.slice(0, 300) } : {}),
        };
      });
    if (recipients.length === 0)
      throw new MalformedReportError('delivery-status without a recipient Action and Status');
    return { kind: 'dsn', recipients, original };
  }
  const feedback = parts.find((p) => p.type === 'message/feedback-report');
  if (feedback) {
    const f = fields(feedback.body);
    const feedbackType = f.get('feedback-type')?.toLowerCase();
    if (!feedbackType) throw new MalformedReportError('feedback-report without Feedback-Type');
    const originalRcptTo = address(f.get('original-rcpt-to'));
    return { kind: 'arf', feedbackType, ...(originalRcptTo ? { originalRcptTo } : {}), original };
  }
  throw new MalformedReportError(
    'multipart/report with neither delivery-status nor feedback-report',
  );
}

import { MalformedReportError } from '../../runtime/errors.js';
import { addressOf, bracketed, detailOf, type ProviderEvent } from './events.js';

interface SesMail {
  messageId?: string;
  headers?: { name?: string; value?: string }[];
  commonHeaders?: { messageId?: string };
}

/** Our Message-ID from the copy's headers SES returns (SES's own mail.messageId is not it). */
function ourMessageId(mail: SesMail | undefined): string | undefined {
  const header = mail?.headers?.find((h) => h.name?.toLowerCase() === 'message-id')?.value;
  return bracketed(header ?? mail?.commonHeaders?.messageId);
}

/**
 * An SES notification (`notificationType`) or event (`eventType`), the Message of an SNS
 * Notification: a Permanent bounce is hard, Transient and Undetermined soft; a complaint is a
 * complaint unless its feedback type says not-spam. Deliveries, opens and the rest: nothing.
 */
export function sesEvents(message: string): ProviderEvent[] {
  let n: {
    notificationType?: string;
    eventType?: string;
    mail?: SesMail;
    bounce?: {
      bounceType?: string;
      bounceSubType?: string;
      bouncedRecipients?: { emailAddress?: string; status?: string; diagnosticCode?: string }[];
    };
    complaint?: {
      complainedRecipients?: { emailAddress?: string }[];
      complaintFeedbackType?: string;
    };
  };
  try {
    n = JSON.parse(message) as typeof n;
  } catch {
    throw new MalformedReportError('the SNS Message is not SES JSON');
  }
  if (typeof n !== 'object' || n === null)
    throw new MalformedReportError('the SNS Message is not SES JSON');
  const type = n.notificationType ?? n.eventType;
  if (typeof type !== 'string')
    throw new MalformedReportError('the SES message has no notificationType or eventType');
  const messageId = ourMessageId(n.mail);
  const withId = messageId ? { messageId } : {};
  if (type === 'Bounce') {
    if (!Array.isArray(n.bounce?.bouncedRecipients))
      throw new MalformedReportError('an SES Bounce without bounce.bouncedRecipients');
    const kind = n.bounce.bounceType === 'Permanent' ? 'hard-bounce' : 'soft-bounce';
    return n.bounce.bouncedRecipients.flatMap((r) => {
      const email = addressOf(r.emailAddress);
      if (!email) return [];
      const detail = detailOf(
        `${n.bounce?.bounceType ?? '?'}/${n.bounce?.bounceSubType ?? '?'}`,
        r.status,
        r.diagnosticCode,
      );
      return [{ kind, email, detail, ...withId } satisfies ProviderEvent];
    });
  }
  if (type === 'Complaint') {
    if (!Array.isArray(n.complaint?.complainedRecipients))
      throw new MalformedReportError('an SES Complaint without complaint.complainedRecipients');
    const feedback = n.complaint.complaintFeedbackType;
    const kind = feedback === 'not-spam' ? 'ignored' : 'complaint';
    return n.complaint.complainedRecipients.flatMap((r) => {
      const email = addressOf(r.emailAddress);
      if (!email) return [];
      const detail = detailOf('complaint', feedback);
      return [{ kind, email, detail, ...withId } satisfies ProviderEvent];
    });
  }
  return [];
}

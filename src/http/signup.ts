import type { Config } from '../config.js';
import { errorMessage, InvalidSubscriberError, NotFoundError } from '../errors.js';
import type { Logger } from '../log.js';
import { buildConfirmationMail } from '../mail/confirmation.js';
import { signToken, verifyToken } from '../mail/tokens.js';
import type { MailTransport } from '../mail/transport.js';
import type { Redis } from '../redis.js';
import { normalizeEmail, type Subscriber, type SubscriberStore } from '../store/subscribers.js';

export const CONFIRM_TTL_SECONDS = 7 * 24 * 3600;

export interface SignupDeps {
  config: Config;
  redis: Redis;
  subscribers: SubscriberStore;
  transport: MailTransport;
  log: Logger;
  /** At most one confirmation mail per address in this window. */
  cooldownMs: number;
}

export type ConfirmOutcome = 'confirmed' | 'already-active' | 'stale';

/**
 * Double opt-in. `request` answers the same way for every address (the caller cannot learn who
 * subscribes) and sends the mail in the background, so that timing does not tell either:
 * new → a pending record and a confirmation; pending, unsubscribed or bounced → a confirmation
 * again (at most one per cooldown), the record left as it is until the link is opened;
 * active → nothing. A form never edits a known subscriber's name or zone: anyone can post it.
 */
export function createSignup(deps: SignupDeps) {
  const { config, subscribers, log } = deps;
  const inFlight = new Set<Promise<void>>();

  const cooldownKey = (id: string) => `${config.prefix}:db:confirm-mail:${id}`;

  const mailConfirmation = async (sub: Subscriber) => {
    const key = cooldownKey(sub.id);
    if ((await deps.redis.set(key, '1', 'PX', deps.cooldownMs, 'NX')) !== 'OK') {
      log.info({ subscriber: sub.id }, 'confirmation mail sent recently; not sending another');
      return;
    }
    const exp = Math.floor(Date.now() / 1000) + CONFIRM_TTL_SECONDS;
    const token = signToken({ sub: sub.id, purpose: 'confirm', exp }, config.secret);
    const mail = buildConfirmationMail({
      from: config.mailFrom,
      siteName: config.siteName,
      to: sub,
      confirmUrl: `${config.siteUrl}/confirm?token=${token}`,
      validFor: '7 days',
    });
    await deps.transport.send(mail);
    log.info({ subscriber: sub.id, messageId: mail.messageId }, 'confirmation mail sent');
  };

  return {
    /** Throws InvalidSubscriberError for an address we could not write to; else queues the work. */
    async request(input: { email: string; name?: string | null }): Promise<void> {
      // The same rule as `subscribers add` and import: what it accepts, the composer can write.
      const email = normalizeEmail(input.email);
      const known = await subscribers.findByEmail(email);
      let sub = known;
      if (!sub) {
        ({ subscriber: sub } = await subscribers.add({
          email,
          name: input.name,
          status: 'pending',
        }));
      }
      if (sub.status === 'active') return;
      const work = mailConfirmation(sub).catch((err: unknown) =>
        log.error({ subscriber: sub.id, err: errorMessage(err) }, 'confirmation mail failed'),
      );
      inFlight.add(work);
      void work.finally(() => inFlight.delete(work));
    },

    /**
     * GET /confirm. A link older than the subscriber's last unsubscribe (or bounce) does not
     * bring them back: only one asked for after it does.
     */
    async confirm(token: unknown, now = new Date()): Promise<ConfirmOutcome> {
      const claims = verifyToken(token, 'confirm', config.secret, now);
      const sub = await subscribers.get(claims.sub);
      if (!sub) throw new NotFoundError('no such subscriber');
      if (sub.status === 'active') return 'already-active';
      if (sub.status === 'pending') {
        await subscribers.confirm(sub.id, now);
      } else {
        const issuedAt = (claims.exp ?? 0) - CONFIRM_TTL_SECONDS;
        if (Math.floor(Date.parse(sub.changedAt) / 1000) > issuedAt) return 'stale';
        await subscribers.resubscribe(sub.id, 'active', now);
      }
      // The cooldown guards against repeated unconfirmed requests; a confirmed one ends it.
      await deps.redis.del(cooldownKey(sub.id));
      return 'confirmed';
    },

    /** Lets confirmation mails being sent finish (shutdown). */
    async drain(): Promise<void> {
      await Promise.allSettled([...inFlight]);
    },
  };
}

export type Signup = ReturnType<typeof createSignup>;

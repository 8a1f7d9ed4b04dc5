import type { Config } from '../runtime/config.js';
import { errorMessage, NotFoundError } from '../runtime/errors.js';
import type { Logger } from '../runtime/log.js';
import { buildConfirmationMail } from '../domain/mail/confirmation.js';
import { signToken, verifyToken } from '../domain/mail/tokens.js';
import type { MailTransport } from '../runtime/smtp/transport.js';
import type { Redis } from '../runtime/redis.js';
import { createKeys } from '../stores/keys.js';
import {
  normalizeEmail,
  type Subscriber,
  type SubscriberStore,
} from '../stores/subscribers/index.js';
import { cleanName } from '../domain/subscribers/validate.js';

/**
 * How long a confirmation link works, and how long an unconfirmed signup is kept: after it, the
 * pending record is erased (README "Security"). One window for both, so no link outlives its record.
 */
const CONFIRM_TTL_SECONDS = 7 * 24 * 3600;

export interface SignupDeps {
  config: Config;
  redis: Redis;
  subscribers: SubscriberStore;
  transport: MailTransport;
  log: Logger;
  /** At most one confirmation mail per address in this window. */
  cooldownMs: number;
}

/** What opening a confirmation link would do (`confirm`), or did. */
export type ConfirmOutcome = 'confirmed' | 'already-active' | 'stale';

/**
 * Double opt-in. `request` answers the same way, in the same time, for every address: it checks
 * the input, then does everything else (lookup, record, mail) in the background, so neither the
 * answer nor its timing tells whether an address is known. new → a pending record and a
 * confirmation; pending, unsubscribed or bounced → a confirmation again (at most one per
 * cooldown, and CONFIRM_MAILS_PER_DAY a day), the record left as it is until the link is opened;
 * active → nothing. A form never edits a known subscriber's name or zone: anyone can post it.
 */
export function createSignup(deps: SignupDeps) {
  const { config, subscribers, log, redis } = deps;
  const keys = createKeys(config.prefix, { cluster: redis.isCluster });
  const inFlight = new Set<Promise<void>>();

  /** The cooldown, then the day's cap: anyone can ask, so neither may be skipped. */
  const mayMail = async (id: string): Promise<boolean> => {
    if ((await redis.set(keys.confirmCooldown(id), '1', 'PX', deps.cooldownMs, 'NX')) !== 'OK') {
      log.info({ subscriber: id }, 'confirmation mail sent recently; not sending another');
      return false;
    }
    const day = keys.confirmDaily(id, new Date().toISOString().slice(0, 10));
    const [[, count]] = (await redis
      .multi()
      .incr(day)
      .expire(day, 2 * 86_400)
      .exec()) as [[unknown, number]];
    if (count > config.confirmMailsPerDay) {
      log.warn({ subscriber: id }, 'daily cap of confirmation mails reached; not sending another');
      return false;
    }
    return true;
  };

  const mailConfirmation = async (sub: Subscriber) => {
    if (!(await mayMail(sub.id))) return;
    const exp = Math.floor(Date.now() / 1000) + CONFIRM_TTL_SECONDS;
    if (sub.status === 'pending') await subscribers.notePending(sub.id, new Date(exp * 1000));
    const token = signToken({ sub: sub.id, purpose: 'confirm', exp }, config.secret);
    const mail = buildConfirmationMail({
      from: config.mailFrom,
      siteName: config.siteName,
      // The address alone: a name typed into the form is anyone's words, so it is not put
      // before the reader until they have confirmed that they asked.
      to: { email: sub.email },
      confirmUrl: `${config.siteUrl}/confirm?token=${token}`,
      validFor: '7 days',
    });
    await deps.transport.send(mail);
    log.info({ subscriber: sub.id, messageId: mail.messageId }, 'confirmation mail sent');
  };

  const handle = async (email: string, name: string | null) => {
    // Signups nobody confirmed go once their window has ended; the form is where they come from.
    await subscribers.purgeExpiredPending();
    let sub = await subscribers.findByEmail(email);
    if (!sub) ({ subscriber: sub } = await subscribers.add({ email, name, status: 'pending' }));
    if (sub.status === 'active') return;
    await mailConfirmation(sub);
  };

  const subscriberFor = async (token: unknown, now: Date) => {
    const claims = verifyToken(token, 'confirm', config.secret, now);
    const sub = await subscribers.get(claims.sub);
    if (!sub) throw new NotFoundError('no such subscriber');
    return { sub, issuedAt: (claims.exp ?? 0) - CONFIRM_TTL_SECONDS };
  };

  /** A link older than the subscriber's last unsubscribe (or bounce) does not bring them back. */
  const outcomeFor = (sub: Subscriber, issuedAt: number): ConfirmOutcome | 'would-confirm' => {
    if (sub.status === 'active') return 'already-active';
    if (sub.status === 'pending') return 'would-confirm';
    return Math.floor(Date.parse(sub.changedAt) / 1000) > issuedAt ? 'stale' : 'would-confirm';
  };

  return {
    /** Throws InvalidSubscriberError for an address or name we could not take; else queues the work. */
    async request(input: { email: string; name?: string | null }): Promise<void> {
      // The same rule as `subscribers add` and import: what it accepts, the composer can write.
      const email = normalizeEmail(input.email);
      const name = cleanName(input.name);
      const work = handle(email, name).catch((err: unknown) =>
        log.error({ err: errorMessage(err) }, 'signup failed'),
      );
      inFlight.add(work);
      void work.finally(() => inFlight.delete(work));
    },

    /** GET /confirm: what the button would do, changing nothing (scanners open links). */
    async inspect(token: unknown, now = new Date()): Promise<ConfirmOutcome | 'would-confirm'> {
      const { sub, issuedAt } = await subscriberFor(token, now);
      return outcomeFor(sub, issuedAt);
    },

    /** POST /confirm: the person pressed the button. */
    async confirm(token: unknown, now = new Date()): Promise<ConfirmOutcome> {
      const { sub, issuedAt } = await subscriberFor(token, now);
      const outcome = outcomeFor(sub, issuedAt);
      if (outcome !== 'would-confirm') return outcome;
      if (sub.status === 'pending') await subscribers.confirm(sub.id, now);
      else await subscribers.resubscribe(sub.id, 'active', now);
      // The cooldown guards against repeated unconfirmed requests; a confirmed one ends it.
      await redis.del(keys.confirmCooldown(sub.id));
      return 'confirmed';
    },

    /** Lets signups being handled finish (shutdown; tests). */
    async drain(): Promise<void> {
      await Promise.allSettled([...inFlight]);
    },
  };
}

export type Signup = ReturnType<typeof createSignup>;

import { createPublicKey, type KeyObject } from 'node:crypto';
import { isIP } from 'node:net';
import { z } from 'zod';
import type { DkimSettings } from './dkim-keys.js';
import { ConfigError } from './errors.js';
import type { ImapSettings } from './imap/mailbox.js';
import { parseHostPorts, parseSentinelUrl, type RedisTarget } from './redis.js';
import { isTimeZone } from './tz.js';

const DEV_SECRET = 'gazette-development-secret-do-not-use-in-production';
// What .env.example shows: copied as is, it signs links with a value anyone can read.
const EXAMPLE_SECRET = 'change-me-to-a-long-random-string-of-32-chars';

/**
 * TRUST_PROXY in fastify's safe forms: how many proxies stand in front (`1`), or their addresses
 * (`10.0.0.1,10.1.0.0/16`). Never "trust every hop": then any client names its own address in
 * X-Forwarded-For and the per-address rate limits count nothing.
 */
const trustProxy = z
  .string()
  .trim()
  .default('')
  .transform((v, ctx): false | number | string[] => {
    if (v === '' || v === 'false' || v === '0') return false;
    if (/^\d+$/.test(v) && Number(v) <= 10) return Number(v);
    const list = v.split(',').map((s) => s.trim());
    if (list.every(isAddressOrCidr)) return list;
    ctx.addIssue({
      code: 'custom',
      message:
        v === 'true' || v === 'all'
          ? 'trusting every hop lets any client choose its address: give the number of proxies in front (e.g. 1) or their addresses'
          : 'must be a number of proxies (1-10) or a comma-separated list of proxy addresses or CIDR ranges',
    });
    return z.NEVER;
  });

function isAddressOrCidr(value: string): boolean {
  const [address = '', bits, ...rest] = value.split('/');
  const version = isIP(address);
  if (!version || rest.length > 0) return false;
  if (bits === undefined) return true;
  return /^\d+$/.test(bits) && Number(bits) <= (version === 4 ? 32 : 128);
}

const url = (protocols: string[]) =>
  z
    .string()
    .trim()
    .refine(
      (v) => {
        try {
          return protocols.includes(new URL(v).protocol);
        } catch {
          return false;
        }
      },
      `must be a ${protocols.map((p) => p.replace(':', '')).join(' or ')} URL`,
    );

/** redis://, rediss:// or redis+sentinel://host:port,host:port/name: where Redis is. */
const redisUrl = z
  .string()
  .trim()
  .transform((v, ctx): RedisTarget => {
    if (v.startsWith('redis+sentinel:')) {
      const target = parseSentinelUrl(v);
      if (typeof target !== 'string') return target;
      ctx.addIssue({ code: 'custom', message: target });
      return z.NEVER;
    }
    try {
      if (['redis:', 'rediss:'].includes(new URL(v).protocol)) return { kind: 'url', url: v };
    } catch {
      // Not a URL at all: the same message as a wrong scheme.
    }
    ctx.addIssue({ code: 'custom', message: 'must be a redis, rediss or redis+sentinel URL' });
    return z.NEVER;
  });

const hostPorts = z
  .string()
  .trim()
  .transform((v, ctx) => {
    const list = parseHostPorts(v);
    if (typeof list !== 'string') return list;
    ctx.addIssue({ code: 'custom', message: `${list}: give host:port,host:port` });
    return z.NEVER;
  });

const hostname = z
  .string()
  .trim()
  .toLowerCase()
  .regex(
    /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/,
    'must be a domain name or DNS label',
  );

function mailFromDomain(mailFrom: string): string {
  const address = /<([^<>]+)>\s*$/.exec(mailFrom)?.[1] ?? mailFrom;
  return address
    .slice(address.lastIndexOf('@') + 1)
    .trim()
    .toLowerCase();
}

/** DMARC's relaxed alignment: the From domain is the signing domain or under it. */
function aligned(fromDomain: string, dkimDomain: string): boolean {
  return fromDomain === dkimDomain || fromDomain.endsWith(`.${dkimDomain}`);
}

/** SendGrid's verification key as its settings page shows it: base64 DER (SPKI), ECDSA P-256. */
const sendGridKey = z
  .string()
  .trim()
  .transform((v, ctx): KeyObject => {
    try {
      const key = createPublicKey({ key: Buffer.from(v, 'base64'), format: 'der', type: 'spki' });
      if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1')
        return key;
    } catch {
      // Not DER at all: the same message.
    }
    ctx.addIssue({
      code: 'custom',
      message:
        "must be the base64 ECDSA P-256 public key from SendGrid's Signed Event Webhook settings",
    });
    return z.NEVER;
  });

const SNS_TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/;

const LOOPBACK = new Set(['127.0.0.1', '[::1]', 'localhost']);

/**
 * `imaps://user:pass@host[:port]/MAILBOX` (MAILBOX defaults to INBOX). `imap://` is the same on
 * port 143 with STARTTLS required, except on the loopback, where it may stay in clear (a local
 * test server without TLS): the password never crosses a network unencrypted.
 */
const imapUrl = z
  .string()
  .trim()
  .transform((v, ctx): ImapSettings => {
    let u: URL | undefined;
    try {
      u = new URL(v);
    } catch {
      // Not a URL at all: said below.
    }
    const fail = (message: string) => {
      ctx.addIssue({ code: 'custom', message });
      return z.NEVER;
    };
    if (!u || !['imap:', 'imaps:'].includes(u.protocol))
      return fail('must be an imaps://user:password@host[:port]/MAILBOX URL');
    if (!u.username || !u.password) return fail('must name the user and password');
    if (u.search || u.hash) return fail('takes no ?query or #fragment');
    const secure = u.protocol === 'imaps:';
    const path = decodeURIComponent(u.pathname.replace(/^\/+|\/+$/g, ''));
    return {
      host: u.hostname.replace(/^\[|\]$/g, ''),
      port: u.port ? Number(u.port) : secure ? 993 : 143,
      secure,
      requireTls: !secure && !LOOPBACK.has(u.hostname),
      user: decodeURIComponent(u.username),
      password: decodeURIComponent(u.password),
      mailbox: path || 'INBOX',
    };
  });
const RATE_UNITS: Record<string, number> = { s: 1, m: 60, h: 3600 };

/**
 * DOMAIN_RATES, `gmail.com=50/s,yahoo.com=20/s`: messages per second to each receiving domain,
 * across every worker process. Each bad entry is named, not only the first.
 */
function parseDomainRates(v: string, ctx: z.RefinementCtx): Readonly<Record<string, number>> {
  const rates: Record<string, number> = {};
  if (v === '') return Object.freeze(rates);
  const bad: string[] = [];
  for (const entry of v.split(',').map((e) => e.trim())) {
    const m = /^([^=\s]+)=(\d+(?:\.\d+)?)\/([smh])$/.exec(entry);
    const [, name = '', count = '0', unit = 's'] = m ?? [];
    const domain = name.toLowerCase();
    const perSecond = Number(count) / (RATE_UNITS[unit] ?? 1);
    if (!m || !hostname.safeParse(domain).success || !(perSecond > 0) || domain in rates)
      bad.push(JSON.stringify(entry));
    else rates[domain] = perSecond;
  }
  if (bad.length)
    ctx.addIssue({
      code: 'custom',
      message: `bad entr${bad.length > 1 ? 'ies' : 'y'} ${bad.join(', ')}: give domain=N/s (or /m, /h), comma-separated, each domain once, e.g. gmail.com=50/s,yahoo.com=20/s`,
    });
  return Object.freeze(rates);
}

const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === '' ? undefined : v), schema.optional());

const int = (min: number, max: number, fallback: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

const schema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    LOG_LEVEL: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .default('info'),
    REDIS_URL: optional(redisUrl),
    REDIS_SENTINELS: optional(hostPorts),
    REDIS_CLUSTER_NODES: optional(hostPorts),
    REDIS_SENTINEL_NAME: optional(
      z
        .string()
        .trim()
        .regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, _ . - only'),
    ),
    REDIS_PASSWORD: optional(z.string()),
    REDIS_SENTINEL_PASSWORD: optional(z.string()),
    REDIS_WAIT_REPLICAS: optional(z.coerce.number().int().min(0).max(5)),
    REDIS_WAIT_TIMEOUT_MS: int(10, 60_000, 1_000),
    GAZETTE_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9_.{}-]+(?::[A-Za-z0-9_.{}-]+)*$/, 'letters, digits, _ . - { } and : only')
      .max(64)
      .default('gazette'),
    SMTP_URL: optional(url(['smtp:', 'smtps:'])),
    SMTP_POOL_SIZE: int(1, 100, 5),
    SMTP_RATE_LIMIT: optional(z.coerce.number().int().min(1).max(100_000)),
    SMTP_THROTTLE_MS: int(10, 600_000, 5_000),
    SMTP_THROTTLE_MAX_MS: int(10, 24 * 3_600_000, 600_000),
    DOMAIN_RATES: z.string().trim().default('').transform(parseDomainRates),
    SMTP_TIMEOUT_MS: int(100, 600_000, 30_000),
    SMTP_ENGINE: z.enum(['direct', 'pool']).default('direct'),
    OUTBOX_DIR: z.string().min(1).default('out/outbox'),
    MAIL_FROM: z
      .string()
      .regex(
        /^(?:[^<>\r\n]*<[^@\s<>]+@[^@\s<>]+>|[^@\s<>]+@[^@\s<>]+)$/,
        'must be an address, e.g. "Gazette <digest@example.com>"',
      )
      .default('Gazette <digest@localhost>'),
    SITE_URL: url(['http:', 'https:'])
      .transform((v) => v.replace(/\/+$/, ''))
      .default('http://localhost:3000'),
    SITE_NAME: z.string().min(1).max(80).default('Gazette'),
    MEDIA_BASE_URL: optional(url(['http:', 'https:']).transform((v) => v.replace(/\/+$/, ''))),
    HOST: z.string().min(1).default('127.0.0.1'),
    TRUST_PROXY: trustProxy,
    PORT: int(0, 65_535, 3000),
    CONTENT_DIR: z.string().min(1).default('content'),
    SECRET: optional(z.string().min(32, 'must be at least 32 characters')),
    ADMIN_TOKEN: optional(z.string().min(16, 'must be at least 16 characters')),
    METRICS_TOKEN: optional(z.string().min(16, 'must be at least 16 characters')),
    CONFIRM_MAILS_PER_DAY: int(1, 100, 3),
    POSTAL_ADDRESS: z.string().min(1).max(300).default('Gazette, 1 Example Street, Springfield'),
    DIGEST_CRON: optional(
      z.string().regex(/^\S+(?:\s+\S+){4,5}$/, 'must be a cron pattern with 5 or 6 fields'),
    ),
    DIGEST_LOCAL_TIME: optional(
      z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM, e.g. 07:00'),
    ),
    DIGEST_TZ: z
      .string()
      .refine(isTimeZone, 'must be an IANA time zone, e.g. Europe/Paris')
      .default('UTC'),
    DELIVERY_BATCH_SIZE: int(1, 10_000, 100),
    RECORD_TTL_DAYS: int(0, 3_650, 90),
    WORKER_CONCURRENCY: int(1, 1_000, 4),
    WORKER_LOCK_MS: int(1_000, 600_000, 30_000),
    WORKER_STALLED_MS: int(500, 600_000, 30_000),
    SHUTDOWN_TIMEOUT_MS: int(0, 600_000, 20_000),
    DKIM_DOMAIN: optional(hostname),
    DKIM_SELECTOR: optional(hostname),
    DKIM_PRIVATE_KEY_FILE: optional(z.string().min(1)),
    DKIM_ED25519_SELECTOR: optional(hostname),
    DKIM_ED25519_KEY_FILE: optional(z.string().min(1)),
    BOUNCE_DOMAIN: optional(hostname),
    INBOUND_PORT: int(0, 65_535, 2525),
    SES_SNS_TOPIC_ARNS: optional(
      z
        .string()
        .transform((v) => v.split(',').map((a) => a.trim()))
        .refine(
          (list) => list.every((a) => SNS_TOPIC_ARN.test(a)),
          'must be SNS topic ARNs, comma-separated, e.g. arn:aws:sns:eu-west-1:123456789012:ses-bounces',
        ),
    ),
    POSTMARK_WEBHOOK_USER: optional(z.string().regex(/^[^:\s]{1,100}$/, 'no colon or space')),
    POSTMARK_WEBHOOK_PASSWORD: optional(z.string().min(16, 'must be at least 16 characters')),
    SENDGRID_WEBHOOK_PUBLIC_KEY: optional(sendGridKey),
    MAILGUN_WEBHOOK_SIGNING_KEY: optional(
      z.string().trim().min(16, 'must be at least 16 characters'),
    ),
    BOUNCE_IMAP_URL: optional(imapUrl),
    BOUNCE_IMAP_INTERVAL_S: int(1, 86_400, 60),
  })
  .superRefine((env, ctx) => {
    if (env.SMTP_THROTTLE_MAX_MS < env.SMTP_THROTTLE_MS)
      ctx.addIssue({
        code: 'custom',
        path: ['SMTP_THROTTLE_MAX_MS'],
        message: `must be at least SMTP_THROTTLE_MS (${env.SMTP_THROTTLE_MS})`,
      });
    if (env.REDIS_SENTINELS && env.REDIS_URL)
      ctx.addIssue({
        code: 'custom',
        path: ['REDIS_SENTINELS'],
        message: 'is set together with REDIS_URL: give one (or a redis+sentinel:// REDIS_URL)',
      });
    if (env.REDIS_SENTINELS && !env.REDIS_SENTINEL_NAME)
      ctx.addIssue({
        code: 'custom',
        path: ['REDIS_SENTINEL_NAME'],
        message: 'is required with REDIS_SENTINELS (the name the sentinels monitor, e.g. mymaster)',
      });
    if (env.REDIS_SENTINEL_NAME && !env.REDIS_SENTINELS)
      ctx.addIssue({
        code: 'custom',
        path: ['REDIS_SENTINEL_NAME'],
        message: 'is set without REDIS_SENTINELS',
      });
    if (env.REDIS_CLUSTER_NODES && (env.REDIS_URL || env.REDIS_SENTINELS))
      ctx.addIssue({
        code: 'custom',
        path: ['REDIS_CLUSTER_NODES'],
        message: `is set together with ${env.REDIS_URL ? 'REDIS_URL' : 'REDIS_SENTINELS'}: give one (a Cluster does its own failover)`,
      });
    if (env.REDIS_PASSWORD && !env.REDIS_SENTINELS && !env.REDIS_CLUSTER_NODES)
      ctx.addIssue({
        code: 'custom',
        path: ['REDIS_PASSWORD'],
        message:
          'is for REDIS_SENTINELS or REDIS_CLUSTER_NODES; with a URL, put the password in it',
      });
    if (env.REDIS_SENTINEL_PASSWORD && !env.REDIS_SENTINELS)
      ctx.addIssue({
        code: 'custom',
        path: ['REDIS_SENTINEL_PASSWORD'],
        message: 'is for REDIS_SENTINELS; with a URL, put the password in it',
      });
    // Under Cluster the prefix becomes the hash tag of our keys (stores/keys.ts): braces of its
    // own would end the tag early and split what must share a slot; one whole `{tag}` is kept.
    if (
      env.REDIS_CLUSTER_NODES &&
      /[{}]/.test(env.GAZETTE_PREFIX) &&
      !/^\{[^{}]+\}$/.test(env.GAZETTE_PREFIX)
    )
      ctx.addIssue({
        code: 'custom',
        path: ['GAZETTE_PREFIX'],
        message:
          'has braces: with REDIS_CLUSTER_NODES give it without { } (Gazette adds its own hash tags) or as one {tag}',
      });
    const pair = (
      a: 'DKIM_SELECTOR' | 'DKIM_ED25519_SELECTOR',
      b: string | undefined,
      bName: string,
    ) => {
      if (!env[a] !== !b)
        ctx.addIssue({
          code: 'custom',
          path: [env[a] ? bName : a],
          message: `is required with ${env[a] ? a : bName}`,
        });
    };
    pair('DKIM_SELECTOR', env.DKIM_PRIVATE_KEY_FILE, 'DKIM_PRIVATE_KEY_FILE');
    pair('DKIM_ED25519_SELECTOR', env.DKIM_ED25519_KEY_FILE, 'DKIM_ED25519_KEY_FILE');
    const anyKey = env.DKIM_SELECTOR || env.DKIM_ED25519_SELECTOR;
    if (anyKey && !env.DKIM_DOMAIN)
      ctx.addIssue({
        code: 'custom',
        path: ['DKIM_DOMAIN'],
        message: 'is required with a DKIM key',
      });
    if (env.DKIM_DOMAIN && !anyKey)
      ctx.addIssue({
        code: 'custom',
        path: ['DKIM_DOMAIN'],
        message: 'needs DKIM_SELECTOR and DKIM_PRIVATE_KEY_FILE (or the Ed25519 pair)',
      });
    if (env.DKIM_DOMAIN && !aligned(mailFromDomain(env.MAIL_FROM), env.DKIM_DOMAIN))
      ctx.addIssue({
        code: 'custom',
        path: ['DKIM_DOMAIN'],
        message: `must be MAIL_FROM's domain or a parent of it, or DMARC fails (From: ${mailFromDomain(env.MAIL_FROM)})`,
      });
    if (!env.POSTMARK_WEBHOOK_USER !== !env.POSTMARK_WEBHOOK_PASSWORD)
      ctx.addIssue({
        code: 'custom',
        path: [env.POSTMARK_WEBHOOK_USER ? 'POSTMARK_WEBHOOK_PASSWORD' : 'POSTMARK_WEBHOOK_USER'],
        message: 'is required with the other POSTMARK_WEBHOOK_ variable',
      });
    if (env.NODE_ENV === 'production' && !env.SECRET) {
      ctx.addIssue({
        code: 'custom',
        path: ['SECRET'],
        message: 'is required in production (it signs subscriber links)',
      });
    }
    if (
      env.NODE_ENV === 'production' &&
      (env.SECRET === DEV_SECRET ||
        env.SECRET === EXAMPLE_SECRET ||
        /change-?me/i.test(env.SECRET ?? ''))
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['SECRET'],
        message: 'is a published example value; set a random one (e.g. openssl rand -hex 32)',
      });
    }
  });

type Env = z.output<typeof schema>;

export interface Config {
  readonly env: Env['NODE_ENV'];
  readonly logLevel: Env['LOG_LEVEL'];
  readonly redis: {
    readonly target: RedisTarget;
    /**
     * Replicas that must hold a `sending` claim (and every write before it) before its message
     * is handed over: `WAIT n`. 0: no wait. Default 1 under Sentinel and Cluster, 0 on one URL.
     */
    readonly waitReplicas: number;
    /** How long a claim waits for them; short of them, the message is not sent now. */
    readonly waitTimeoutMs: number;
  };
  /** Under Cluster, keys get hash tags made of it (stores/keys.ts). */
  readonly prefix: string;
  readonly smtp: {
    readonly url?: string;
    readonly poolSize: number;
    readonly rateLimit?: number;
    /** A receiving domain's first pause after a 421/451; each further one doubles it. */
    readonly throttleMs: number;
    /** The longest pause a domain's repeated 421/451s grow to. */
    readonly throttleMaxMs: number;
    /** DOMAIN_RATES: messages a second to a receiving domain, across every process. */
    readonly domainRates: Readonly<Record<string, number>>;
    readonly timeoutMs: number;
    /** `direct`: our connection pool, prepared bytes as they are; `pool`: nodemailer's pool. */
    readonly engine: 'direct' | 'pool';
  };
  readonly outboxDir: string;
  readonly mailFrom: string;
  readonly siteUrl: string;
  readonly siteName: string;
  readonly mediaBaseUrl?: string;
  readonly host: string;
  /**
   * Behind reverse proxies: how many (hops), or their addresses; the client address for rate
   * limits is read from X-Forwarded-For only past those. false: the socket's address.
   */
  readonly trustProxy: false | number | readonly string[];
  readonly port: number;
  readonly contentDir: string;
  /** True when SECRET was not set and the development secret signs links. */
  readonly insecureSecret: boolean;
  readonly secret: string;
  readonly adminToken?: string;
  /** Bearer token /metrics asks for when set; unset, /metrics is open (keep it on a private port). */
  readonly metricsToken?: string;
  /** Confirmation mails one address may get in a day, whoever asks. */
  readonly confirmMailsPerDay: number;
  readonly postalAddress: string;
  /** Recurring digest: cron in `tz`; with `localTime`, each reader gets it at that time in their own zone. */
  readonly digest: { readonly cron?: string; readonly tz: string; readonly localTime?: string };
  readonly batchSize: number;
  /**
   * Days an edition's delivery records live after their last write (0: for ever); the edition's
   * summary (counts by state, when it was sent) and its complaint count are kept regardless.
   */
  readonly recordTtlDays: number;
  readonly concurrency: number;
  /** A killed worker's job is taken over after about lockDuration + stalledInterval. */
  readonly worker: { readonly lockDuration: number; readonly stalledInterval: number };
  /** How long a stopping process lets in-flight jobs and requests finish. */
  readonly shutdownTimeoutMs: number;
  /** DKIM keys to sign every copy with (the files are read by runtime/dkim-keys.ts at start). */
  readonly dkim?: DkimSettings;
  /** VERP: each copy's envelope sender is `bounces+<token>@bounceDomain`. */
  readonly bounceDomain?: string;
  /** `gazette inbound`'s SMTP port (on HOST). */
  readonly inboundPort: number;
  /** Provider webhooks (/webhooks/<provider>); one that is not configured answers 404. */
  readonly webhooks: {
    /** The SNS topics whose SES notifications are taken; others are refused, signed or not. */
    readonly ses?: { readonly topicArns: readonly string[] };
    readonly postmark?: { readonly user: string; readonly password: string };
    readonly sendgrid?: { readonly publicKey: KeyObject };
    readonly mailgun?: { readonly signingKey: string };
  };
  /** A mailbox `gazette inbound` also polls for bounces and complaints, every `intervalMs`. */
  readonly bounceImap?: ImapSettings & { readonly intervalMs: number };
}

/** Reads the environment once; every bad variable is named in one error. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => {
        const name = String(i.path[0] ?? 'environment');
        const value = source[name];
        return `${name}${value === undefined ? '' : `=${JSON.stringify(redact(name, value))}`}: ${i.message}`;
      }),
    );
  }
  const e = parsed.data;
  return Object.freeze({
    env: e.NODE_ENV,
    logLevel: e.LOG_LEVEL,
    redis: Object.freeze({
      target: Object.freeze(redisTarget(e)),
      waitReplicas: e.REDIS_WAIT_REPLICAS ?? (redisTarget(e).kind === 'url' ? 0 : 1),
      waitTimeoutMs: e.REDIS_WAIT_TIMEOUT_MS,
    }),
    prefix: e.GAZETTE_PREFIX,
    smtp: Object.freeze({
      url: e.SMTP_URL,
      poolSize: e.SMTP_POOL_SIZE,
      rateLimit: e.SMTP_RATE_LIMIT,
      throttleMs: e.SMTP_THROTTLE_MS,
      throttleMaxMs: e.SMTP_THROTTLE_MAX_MS,
      domainRates: e.DOMAIN_RATES,
      timeoutMs: e.SMTP_TIMEOUT_MS,
      engine: e.SMTP_ENGINE,
    }),
    outboxDir: e.OUTBOX_DIR,
    mailFrom: e.MAIL_FROM,
    siteUrl: e.SITE_URL,
    siteName: e.SITE_NAME,
    mediaBaseUrl: e.MEDIA_BASE_URL,
    host: e.HOST,
    trustProxy: Array.isArray(e.TRUST_PROXY) ? Object.freeze([...e.TRUST_PROXY]) : e.TRUST_PROXY,
    port: e.PORT,
    contentDir: e.CONTENT_DIR,
    insecureSecret: !e.SECRET,
    secret: e.SECRET ?? DEV_SECRET,
    adminToken: e.ADMIN_TOKEN,
    metricsToken: e.METRICS_TOKEN,
    confirmMailsPerDay: e.CONFIRM_MAILS_PER_DAY,
    postalAddress: e.POSTAL_ADDRESS,
    digest: Object.freeze({ cron: e.DIGEST_CRON, tz: e.DIGEST_TZ, localTime: e.DIGEST_LOCAL_TIME }),
    batchSize: e.DELIVERY_BATCH_SIZE,
    recordTtlDays: e.RECORD_TTL_DAYS,
    concurrency: e.WORKER_CONCURRENCY,
    worker: Object.freeze({ lockDuration: e.WORKER_LOCK_MS, stalledInterval: e.WORKER_STALLED_MS }),
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    dkim: e.DKIM_DOMAIN
      ? Object.freeze({
          domain: e.DKIM_DOMAIN,
          ...(e.DKIM_SELECTOR && e.DKIM_PRIVATE_KEY_FILE
            ? {
                rsa: Object.freeze({ selector: e.DKIM_SELECTOR, keyFile: e.DKIM_PRIVATE_KEY_FILE }),
              }
            : {}),
          ...(e.DKIM_ED25519_SELECTOR && e.DKIM_ED25519_KEY_FILE
            ? {
                ed25519: Object.freeze({
                  selector: e.DKIM_ED25519_SELECTOR,
                  keyFile: e.DKIM_ED25519_KEY_FILE,
                }),
              }
            : {}),
        })
      : undefined,
    bounceDomain: e.BOUNCE_DOMAIN,
    inboundPort: e.INBOUND_PORT,
    webhooks: Object.freeze({
      ...(e.SES_SNS_TOPIC_ARNS ? { ses: Object.freeze({ topicArns: e.SES_SNS_TOPIC_ARNS }) } : {}),
      ...(e.POSTMARK_WEBHOOK_USER && e.POSTMARK_WEBHOOK_PASSWORD
        ? {
            postmark: Object.freeze({
              user: e.POSTMARK_WEBHOOK_USER,
              password: e.POSTMARK_WEBHOOK_PASSWORD,
            }),
          }
        : {}),
      ...(e.SENDGRID_WEBHOOK_PUBLIC_KEY
        ? { sendgrid: Object.freeze({ publicKey: e.SENDGRID_WEBHOOK_PUBLIC_KEY }) }
        : {}),
      ...(e.MAILGUN_WEBHOOK_SIGNING_KEY
        ? { mailgun: Object.freeze({ signingKey: e.MAILGUN_WEBHOOK_SIGNING_KEY }) }
        : {}),
    }),
    bounceImap: e.BOUNCE_IMAP_URL
      ? Object.freeze({ ...e.BOUNCE_IMAP_URL, intervalMs: e.BOUNCE_IMAP_INTERVAL_S * 1000 })
      : undefined,
  });
}

function redisTarget(e: Env): RedisTarget {
  if (e.REDIS_CLUSTER_NODES)
    return { kind: 'cluster', nodes: e.REDIS_CLUSTER_NODES, password: e.REDIS_PASSWORD };
  if (e.REDIS_SENTINELS)
    return {
      kind: 'sentinel',
      sentinels: e.REDIS_SENTINELS,
      name: e.REDIS_SENTINEL_NAME!,
      password: e.REDIS_PASSWORD,
      sentinelPassword: e.REDIS_SENTINEL_PASSWORD,
      db: 0,
    };
  return e.REDIS_URL ?? { kind: 'url', url: 'redis://127.0.0.1:6379' };
}

/** Secrets never appear in an error; nor does the password inside a URL (REDIS_URL, SMTP_URL). */
function redact(name: string, value: string): string {
  if (/SECRET|TOKEN|PASSWORD|SIGNING_KEY/.test(name)) return '***';
  return value
    .replace(/(\/\/[^/@\s:]*:)[^/@\s]*@/g, '$1***@')
    .replace(/(sentinelPassword=)[^&\s]*/g, '$1***');
}

import { z } from 'zod';
import { ConfigError } from './errors.js';
import { isTimeZone } from './util/tz.js';

const DEV_SECRET = 'gazette-development-secret-do-not-use-in-production';

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
    REDIS_URL: url(['redis:', 'rediss:']).default('redis://127.0.0.1:6379'),
    GAZETTE_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9_.{}-]+(?::[A-Za-z0-9_.{}-]+)*$/, 'letters, digits, _ . - { } and : only')
      .max(64)
      .default('gazette'),
    SMTP_URL: optional(url(['smtp:', 'smtps:'])),
    SMTP_POOL_SIZE: int(1, 100, 5),
    SMTP_RATE_LIMIT: optional(z.coerce.number().int().min(1).max(100_000)),
    SMTP_THROTTLE_MS: int(10, 600_000, 5_000),
    SMTP_TIMEOUT_MS: int(100, 600_000, 30_000),
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
    TRUST_PROXY: z
      .enum(['true', 'false', '1', '0', ''])
      .default('false')
      .transform((v) => v === 'true' || v === '1'),
    PORT: int(0, 65_535, 3000),
    CONTENT_DIR: z.string().min(1).default('content'),
    SECRET: optional(z.string().min(32, 'must be at least 32 characters')),
    ADMIN_TOKEN: optional(z.string().min(16, 'must be at least 16 characters')),
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
    WORKER_CONCURRENCY: int(1, 1_000, 4),
    WORKER_LOCK_MS: int(1_000, 600_000, 30_000),
    WORKER_STALLED_MS: int(500, 600_000, 30_000),
    SHUTDOWN_TIMEOUT_MS: int(0, 600_000, 20_000),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === 'production' && !env.SECRET) {
      ctx.addIssue({
        code: 'custom',
        path: ['SECRET'],
        message: 'is required in production (it signs subscriber links)',
      });
    }
  });

type Env = z.output<typeof schema>;

export interface Config {
  readonly env: Env['NODE_ENV'];
  readonly logLevel: Env['LOG_LEVEL'];
  readonly redisUrl: string;
  readonly prefix: string;
  readonly smtp: {
    readonly url?: string;
    readonly poolSize: number;
    readonly rateLimit?: number;
    /** How long a worker pauses its deliver queue when a server answers 421/451. */
    readonly throttleMs: number;
    readonly timeoutMs: number;
  };
  readonly outboxDir: string;
  readonly mailFrom: string;
  readonly siteUrl: string;
  readonly siteName: string;
  readonly mediaBaseUrl?: string;
  readonly host: string;
  /** Behind a reverse proxy: take the client address from X-Forwarded-For (rate limits). */
  readonly trustProxy: boolean;
  readonly port: number;
  readonly contentDir: string;
  /** True when SECRET was not set and the development secret signs links. */
  readonly insecureSecret: boolean;
  readonly secret: string;
  readonly adminToken?: string;
  readonly postalAddress: string;
  /** Recurring digest: cron in `tz`; with `localTime`, each reader gets it at that time in their own zone. */
  readonly digest: { readonly cron?: string; readonly tz: string; readonly localTime?: string };
  readonly batchSize: number;
  readonly concurrency: number;
  /** A killed worker's job is taken over after about lockDuration + stalledInterval. */
  readonly worker: { readonly lockDuration: number; readonly stalledInterval: number };
  /** How long a stopping process lets in-flight jobs and requests finish. */
  readonly shutdownTimeoutMs: number;
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
    redisUrl: e.REDIS_URL,
    prefix: e.GAZETTE_PREFIX,
    smtp: Object.freeze({
      url: e.SMTP_URL,
      poolSize: e.SMTP_POOL_SIZE,
      rateLimit: e.SMTP_RATE_LIMIT,
      throttleMs: e.SMTP_THROTTLE_MS,
      timeoutMs: e.SMTP_TIMEOUT_MS,
    }),
    outboxDir: e.OUTBOX_DIR,
    mailFrom: e.MAIL_FROM,
    siteUrl: e.SITE_URL,
    siteName: e.SITE_NAME,
    mediaBaseUrl: e.MEDIA_BASE_URL,
    host: e.HOST,
    trustProxy: e.TRUST_PROXY,
    port: e.PORT,
    contentDir: e.CONTENT_DIR,
    insecureSecret: !e.SECRET,
    secret: e.SECRET ?? DEV_SECRET,
    adminToken: e.ADMIN_TOKEN,
    postalAddress: e.POSTAL_ADDRESS,
    digest: Object.freeze({ cron: e.DIGEST_CRON, tz: e.DIGEST_TZ, localTime: e.DIGEST_LOCAL_TIME }),
    batchSize: e.DELIVERY_BATCH_SIZE,
    concurrency: e.WORKER_CONCURRENCY,
    worker: Object.freeze({ lockDuration: e.WORKER_LOCK_MS, stalledInterval: e.WORKER_STALLED_MS }),
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
  });
}

function redact(name: string, value: string): string {
  return /SECRET|TOKEN/.test(name) ? '***' : value;
}

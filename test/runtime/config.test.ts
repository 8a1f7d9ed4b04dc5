import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/runtime/config.js';
import { ConfigError } from '../../src/runtime/errors.js';

/** Every problem loadConfig names for `env`, one a line; '' when it loads. */
const problems = (env: NodeJS.ProcessEnv) => {
  try {
    loadConfig(env);
  } catch (err) {
    return (err as ConfigError).problems.join('\n');
  }
  return '';
};

describe('config', () => {
  it('has working defaults and is frozen', () => {
    const c = loadConfig({});
    expect(c.redis.target).toEqual({ kind: 'url', url: 'redis://127.0.0.1:6379' });
    expect(c.redis.waitReplicas).toBe(0);
    expect(c.prefix).toBe('gazette');
    expect(c.outboxDir).toBe('out/outbox');
    expect(c.digest.tz).toBe('UTC');
    expect(c.insecureSecret).toBe(true);
    expect(Object.isFrozen(c)).toBe(true);
    expect(Object.isFrozen(c.smtp)).toBe(true);
  });

  it('names every bad variable in one error, without echoing secrets', () => {
    let error: unknown;
    try {
      loadConfig({
        REDIS_URL: 'http://nope',
        PORT: 'eighty',
        DIGEST_TZ: 'Mars/Olympus',
        SECRET: 'short',
        SITE_URL: 'ftp://x',
      });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    for (const name of ['REDIS_URL', 'PORT', 'DIGEST_TZ', 'SECRET', 'SITE_URL'])
      expect(message).toContain(name);
    expect(message).not.toContain('short');
    expect(message).toContain('Mars/Olympus');
  });

  it('requires SECRET in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/SECRET.*required in production/);
    expect(loadConfig({ NODE_ENV: 'production', SECRET: 'x'.repeat(32) }).insecureSecret).toBe(
      false,
    );
  });

  it('trims a trailing slash from SITE_URL and treats empty optional variables as unset', () => {
    const c = loadConfig({ SITE_URL: 'https://news.example/', SMTP_URL: '', ADMIN_TOKEN: '' });
    expect(c.siteUrl).toBe('https://news.example');
    expect(c.smtp.url).toBeUndefined();
    expect(c.adminToken).toBeUndefined();
  });

  it('TRUST_PROXY: a hop count or proxy addresses, never every hop', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '0' }).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.1, 10.1.0.0/16,::1' }).trustProxy).toEqual([
      '10.0.0.1',
      '10.1.0.0/16',
      '::1',
    ]);
    expect(() => loadConfig({ TRUST_PROXY: 'true' })).toThrow(/TRUST_PROXY.*every hop/);
    expect(() => loadConfig({ TRUST_PROXY: 'all' })).toThrow(/TRUST_PROXY.*every hop/);
    expect(() => loadConfig({ TRUST_PROXY: '10.0.0.0/40' })).toThrow(/TRUST_PROXY/);
    expect(() => loadConfig({ TRUST_PROXY: 'proxy.example' })).toThrow(/TRUST_PROXY/);
  });

  it('DOMAIN_RATES: domain=N/s, /m or /h, each bad entry named; SMTP_THROTTLE_MAX_MS not under SMTP_THROTTLE_MS', () => {
    expect(loadConfig({}).smtp.domainRates).toEqual({});
    const c = loadConfig({ DOMAIN_RATES: ' Gmail.com=50/s, yahoo.com=1200/m,tiny.example=36/h ' });
    expect(c.smtp.domainRates).toEqual({ 'gmail.com': 50, 'yahoo.com': 20, 'tiny.example': 0.01 });
    expect(Object.isFrozen(c.smtp.domainRates)).toBe(true);
    expect(() =>
      loadConfig({
        DOMAIN_RATES: 'gmail.com=50/s,yahoo.com=fast,=3/s,bad_domain=1/s,gmail.com=2/s,x.org=0/s',
      }),
    ).toThrow(
      /DOMAIN_RATES=.*bad entries "yahoo\.com=fast", "=3\/s", "bad_domain=1\/s", "gmail\.com=2\/s", "x\.org=0\/s": give domain=N\/s/,
    );
    expect(() => loadConfig({ SMTP_THROTTLE_MS: '5000', SMTP_THROTTLE_MAX_MS: '1000' })).toThrow(
      /SMTP_THROTTLE_MAX_MS="1000": must be at least SMTP_THROTTLE_MS \(5000\)/,
    );
  });

  it('refuses the development and example secrets in production', () => {
    for (const SECRET of [
      'gazette-development-secret-do-not-use-in-production',
      'change-me-to-a-long-random-string-of-32-chars',
    ])
      expect(() => loadConfig({ NODE_ENV: 'production', SECRET })).toThrow(/SECRET.*example value/);
  });

  it('never echoes a password inside a URL', () => {
    let message = '';
    try {
      loadConfig({
        SMTP_URL: 'ftp://mailer:hunter2secret@smtp.example',
        REDIS_URL: 'http://:redispass@redis.example:6379',
      });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('SMTP_URL');
    expect(message).toContain('REDIS_URL');
    expect(message).toContain('mailer:***@smtp.example');
    expect(message).not.toContain('hunter2');
    expect(message).not.toContain('redispass');
  });

  it('provider webhooks: each configured one read, each bad variable named, no signing key echoed', () => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const sendgrid = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
    expect(loadConfig({}).webhooks).toEqual({});
    const c = loadConfig({
      SES_SNS_TOPIC_ARNS:
        'arn:aws:sns:eu-west-1:123456789012:ses-bounces, arn:aws:sns:us-east-1:123456789012:b',
      POSTMARK_WEBHOOK_USER: 'postmark',
      POSTMARK_WEBHOOK_PASSWORD: 'a-password-of-16-chars',
      SENDGRID_WEBHOOK_PUBLIC_KEY: sendgrid,
      MAILGUN_WEBHOOK_SIGNING_KEY: 'key-0123456789abcdef',
    });
    expect(c.webhooks.ses?.topicArns).toEqual([
      'arn:aws:sns:eu-west-1:123456789012:ses-bounces',
      'arn:aws:sns:us-east-1:123456789012:b',
    ]);
    expect(c.webhooks.postmark).toEqual({ user: 'postmark', password: 'a-password-of-16-chars' });
    expect(c.webhooks.sendgrid?.publicKey.asymmetricKeyType).toBe('ec');
    expect(c.webhooks.mailgun).toEqual({ signingKey: 'key-0123456789abcdef' });

    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey;
    let message = '';
    try {
      loadConfig({
        SES_SNS_TOPIC_ARNS: 'ses-bounces',
        SENDGRID_WEBHOOK_PUBLIC_KEY: rsa.export({ type: 'spki', format: 'der' }).toString('base64'),
        MAILGUN_WEBHOOK_SIGNING_KEY: 'short-key',
      });
    } catch (err) {
      message = (err as ConfigError).message;
    }
    expect(message).toMatch(/SES_SNS_TOPIC_ARNS="ses-bounces": must be SNS topic ARNs/);
    expect(message).toMatch(/SENDGRID_WEBHOOK_PUBLIC_KEY=.*ECDSA P-256/);
    expect(message).toMatch(/MAILGUN_WEBHOOK_SIGNING_KEY="\*\*\*": must be at least 16/);
    expect(message).not.toContain('short-key');
    expect(() => loadConfig({ POSTMARK_WEBHOOK_USER: 'postmark' })).toThrow(
      /POSTMARK_WEBHOOK_PASSWORD: is required with/,
    );
  });

  it('BOUNCE_IMAP_URL: imaps anywhere, clear imap on the loopback only, bad values named', () => {
    expect(loadConfig({}).bounceImap).toBeUndefined();
    expect(
      loadConfig({ BOUNCE_IMAP_URL: 'imaps://bounce%40news:p%2Fss@mail.example/Bounces' })
        .bounceImap,
    ).toEqual({
      host: 'mail.example',
      port: 993,
      secure: true,
      requireTls: false,
      user: 'bounce@news',
      password: 'p/ss',
      mailbox: 'Bounces',
      intervalMs: 60_000,
    });
    const local = loadConfig({
      BOUNCE_IMAP_URL: 'imap://u:p@127.0.0.1:7143',
      BOUNCE_IMAP_INTERVAL_S: '5',
    }).bounceImap;
    expect(local).toMatchObject({ port: 7143, secure: false, requireTls: false, mailbox: 'INBOX' });
    expect(local?.intervalMs).toBe(5_000);
    // Off the loopback, imap:// must upgrade with STARTTLS before the password is sent.
    expect(loadConfig({ BOUNCE_IMAP_URL: 'imap://u:p@mail.example' }).bounceImap).toMatchObject({
      port: 143,
      requireTls: true,
    });
    const bad = (env: Record<string, string>) => {
      try {
        loadConfig(env);
      } catch (err) {
        return (err as Error).message;
      }
      return '';
    };
    expect(bad({ BOUNCE_IMAP_URL: 'pop3://u:hunter2@mail.example' })).toMatch(
      /BOUNCE_IMAP_URL="pop3:\/\/u:\*\*\*@mail.example": must be an imaps:/,
    );
    expect(bad({ BOUNCE_IMAP_URL: 'imaps://mail.example/INBOX' })).toMatch(
      /BOUNCE_IMAP_URL.*must name the user and password/,
    );
    expect(
      bad({ BOUNCE_IMAP_URL: 'imaps://u:p@mail.example', BOUNCE_IMAP_INTERVAL_S: '0' }),
    ).toMatch(/BOUNCE_IMAP_INTERVAL_S/);
  });

  it('SMTP_ENGINE: direct by default, or pool; anything else is named', () => {
    expect(loadConfig({}).smtp.engine).toBe('direct');
    expect(loadConfig({ SMTP_ENGINE: 'pool' }).smtp.engine).toBe('pool');
    expect(() => loadConfig({ SMTP_ENGINE: 'fast' })).toThrow(/SMTP_ENGINE/);
  });

  it('METRICS_TOKEN and CONFIRM_MAILS_PER_DAY', () => {
    expect(loadConfig({}).confirmMailsPerDay).toBe(3);
    expect(loadConfig({ METRICS_TOKEN: 'm'.repeat(16) }).metricsToken).toBe('m'.repeat(16));
    expect(() => loadConfig({ METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN/);
    expect(() => loadConfig({ CONFIRM_MAILS_PER_DAY: '0' })).toThrow(/CONFIRM_MAILS_PER_DAY/);
  });

  it('RECORD_TTL_DAYS: 90 by default, 0 for ever, whole days', () => {
    expect(loadConfig({}).recordTtlDays).toBe(90);
    expect(loadConfig({ RECORD_TTL_DAYS: '0' }).recordTtlDays).toBe(0);
    expect(() => loadConfig({ RECORD_TTL_DAYS: '-1' })).toThrow(/RECORD_TTL_DAYS/);
    expect(() => loadConfig({ RECORD_TTL_DAYS: '1.5' })).toThrow(/RECORD_TTL_DAYS/);
    expect(() => loadConfig({ RECORD_TTL_DAYS: 'soon' })).toThrow(/RECORD_TTL_DAYS/);
  });

  describe('Redis under Sentinel', () => {
    it('reads REDIS_SENTINELS and REDIS_SENTINEL_NAME, and waits for one replica by default', () => {
      const c = loadConfig({
        REDIS_SENTINELS: '10.0.0.1:26379, sentinel-b.internal:26380,[::1]:26381',
        REDIS_SENTINEL_NAME: 'mymaster',
        REDIS_PASSWORD: 'pw',
        REDIS_SENTINEL_PASSWORD: 'spw',
      });
      expect(c.redis.target).toEqual({
        kind: 'sentinel',
        sentinels: [
          { host: '10.0.0.1', port: 26379 },
          { host: 'sentinel-b.internal', port: 26380 },
          { host: '::1', port: 26381 },
        ],
        name: 'mymaster',
        password: 'pw',
        sentinelPassword: 'spw',
        db: 0,
      });
      expect(c.redis.waitReplicas).toBe(1);
      expect(c.redis.waitTimeoutMs).toBe(1000);
      expect(Object.isFrozen(c.redis)).toBe(true);
    });

    it('reads a redis+sentinel:// URL with password, db and sentinel password', () => {
      const c = loadConfig({
        REDIS_URL: 'redis+sentinel://:p%40ss@s1:26379,s2:26379/gazette-main/2?sentinelPassword=x',
        REDIS_WAIT_REPLICAS: '2',
        REDIS_WAIT_TIMEOUT_MS: '250',
      });
      expect(c.redis.target).toEqual({
        kind: 'sentinel',
        sentinels: [
          { host: 's1', port: 26379 },
          { host: 's2', port: 26379 },
        ],
        name: 'gazette-main',
        password: 'p@ss',
        sentinelPassword: 'x',
        db: 2,
      });
      expect(c.redis.waitReplicas).toBe(2);
      expect(c.redis.waitTimeoutMs).toBe(250);
    });

    it('waits for no replica on one URL unless told to', () => {
      expect(loadConfig({ REDIS_URL: 'redis://r:6379' }).redis.waitReplicas).toBe(0);
      expect(
        loadConfig({ REDIS_URL: 'redis://r:6379', REDIS_WAIT_REPLICAS: '1' }).redis.waitReplicas,
      ).toBe(1);
    });

    it('names each bad Sentinel variable, never echoing a password', () => {
      const p = problems({
        REDIS_SENTINELS: 's1:26379,s2',
        REDIS_WAIT_REPLICAS: '9',
        REDIS_WAIT_TIMEOUT_MS: '5',
      });
      expect(p).toMatch(/REDIS_SENTINELS="s1:26379,s2": "s2" is not host:port/);
      expect(p).toContain('REDIS_WAIT_REPLICAS');
      expect(p).toContain('REDIS_WAIT_TIMEOUT_MS');

      expect(problems({ REDIS_SENTINELS: 's1:26379' })).toMatch(/REDIS_SENTINEL_NAME: is required/);
      expect(problems({ REDIS_SENTINEL_NAME: 'm' })).toMatch(
        /REDIS_SENTINEL_NAME="m": is set without/,
      );
      expect(
        problems({ REDIS_SENTINELS: 's:1', REDIS_SENTINEL_NAME: 'm', REDIS_URL: 'redis://r:6379' }),
      ).toMatch(/REDIS_SENTINELS=.*together with REDIS_URL/);
      const pw = problems({ REDIS_PASSWORD: 'hunter2-secret' });
      expect(pw).toMatch(/REDIS_PASSWORD="\*\*\*": is for REDIS_SENTINELS/);
      expect(pw).not.toContain('hunter2');

      const url = problems({
        REDIS_URL: 'redis+sentinel://:hunter2@s1:26379/?sentinelPassword=zz',
      });
      expect(url).toMatch(/REDIS_URL=.*must be redis\+sentinel/);
      expect(url).not.toContain('hunter2');
      expect(
        problems({ REDIS_URL: 'redis+sentinel://:pw@s1/m?sentinelPassword=hunter2' }),
      ).not.toContain('hunter2');
      expect(problems({ REDIS_URL: 'redis+sentinel://s1:1/m?tls=1' })).toMatch(
        /unknown parameter tls/,
      );
      expect(problems({ REDIS_URL: 'http://r' })).toMatch(
        /must be a redis, rediss or redis\+sentinel URL/,
      );
    });
  });

  describe('Redis Cluster', () => {
    it('reads REDIS_CLUSTER_NODES and waits for one replica by default', () => {
      const c = loadConfig({
        REDIS_CLUSTER_NODES: '10.0.0.1:7000,redis-b:7001',
        REDIS_PASSWORD: 'pw',
      });
      const nodes = [`10.0.0.1:7000`, `redis-b:7001`].map((n) => n.split(':'));
      expect(c.redis.target).toEqual({
        kind: 'cluster',
        nodes: nodes.map(([host, port]) => ({ host, port: Number(port) })),
        password: 'pw',
      });
      expect(c.prefix).toBe('gazette');
      expect(c.redis.waitReplicas).toBe(1);
      expect(loadConfig({ REDIS_CLUSTER_NODES: 'r:7000', GAZETTE_PREFIX: '{news}' }).prefix).toBe(
        '{news}',
      );
      expect(
        loadConfig({ REDIS_CLUSTER_NODES: 'r:7000', REDIS_WAIT_REPLICAS: '0' }).redis.waitReplicas,
      ).toBe(0);
      // Without a Cluster, braces anywhere are the operator's business, as they always were.
      expect(loadConfig({ GAZETTE_PREFIX: 'a:{b}' }).prefix).toBe('a:{b}');
    });

    it('names a bad node list, a second target and a prefix whose braces would split the slots', () => {
      expect(problems({ REDIS_CLUSTER_NODES: 'r:7000,r' })).toMatch(
        /REDIS_CLUSTER_NODES="r:7000,r": "r" is not host:port/,
      );
      expect(problems({ REDIS_CLUSTER_NODES: 'r:7000', REDIS_URL: 'redis://r:6379' })).toMatch(
        /REDIS_CLUSTER_NODES=.*together with REDIS_URL/,
      );
      expect(
        problems({
          REDIS_CLUSTER_NODES: 'r:7000',
          REDIS_SENTINELS: 's:1',
          REDIS_SENTINEL_NAME: 'm',
        }),
      ).toMatch(/REDIS_CLUSTER_NODES=.*together with REDIS_SENTINELS/);
      expect(problems({ REDIS_CLUSTER_NODES: 'r:7000', GAZETTE_PREFIX: 'a:{b}' })).toMatch(
        /GAZETTE_PREFIX="a:\{b\}": has braces/,
      );
      expect(problems({ REDIS_SENTINEL_PASSWORD: 'x' })).toMatch(
        /REDIS_SENTINEL_PASSWORD="\*\*\*": is for REDIS_SENTINELS/,
      );
    });
  });
});

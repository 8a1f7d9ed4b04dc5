import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/runtime/config.js';
import { ConfigError } from '../../src/runtime/errors.js';

describe('config', () => {
  it('has working defaults and is frozen', () => {
    const c = loadConfig({});
    expect(c.redisUrl).toBe('redis://127.0.0.1:6379');
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

  it('METRICS_TOKEN and CONFIRM_MAILS_PER_DAY', () => {
    expect(loadConfig({}).confirmMailsPerDay).toBe(3);
    expect(loadConfig({ METRICS_TOKEN: 'm'.repeat(16) }).metricsToken).toBe('m'.repeat(16));
    expect(() => loadConfig({ METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN/);
    expect(() => loadConfig({ CONFIRM_MAILS_PER_DAY: '0' })).toThrow(/CONFIRM_MAILS_PER_DAY/);
  });
});

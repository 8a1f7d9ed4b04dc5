import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { ConfigError } from '../src/errors.js';

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
});

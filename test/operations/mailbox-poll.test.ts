import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createContext } from '../../src/operations/context.js';
import { pollMailbox, startMailboxPoller } from '../../src/operations/mailbox-poll.js';
import { loadConfig } from '../../src/runtime/config.js';
import { openMailbox } from '../../src/runtime/imap/mailbox.js';
import { createLogger } from '../../src/runtime/log.js';
import { verpAddress } from '../../src/domain/mail/verp.js';
import { dovecotMissing, startOwnImap, type OwnImap } from '../helpers/imap-server.js';
import { TEST_SECRET, testPipeline, type TestPipeline } from '../helpers/pipeline.js';
import { REDIS_URL } from '../helpers/redis.js';
import { startOwnRedis, type OwnRedis } from '../helpers/redis-server.js';
import { spawnGazette } from '../helpers/children.js';
import { arf, dsn, notAReport } from '../helpers/reports.js';

const missing = dovecotMissing();
const DOMAIN = 'bounces.news.example';

describe.skipIf(missing)(
  `gazette inbound: polling a bounce mailbox over IMAP (a dovecot of our own)${missing ? ` — SKIPPED: ${missing}` : ''}`,
  () => {
    let imap: OwnImap | undefined;
    let t: TestPipeline | undefined;
    let own: OwnRedis | undefined;
    afterEach(async () => {
      await t?.cleanup();
      await imap?.cleanup();
      await own?.cleanup();
      t = imap = own = undefined;
    });

    it('applies a DSN and an ARF complaint, keeps a malformed message, and deletes all three', async () => {
      imap = await startOwnImap();
      t = await testPipeline({ BOUNCE_DOMAIN: DOMAIN, BOUNCE_IMAP_URL: imap.url });
      const [a, b, c] = await t.addSubscribers(3);
      // The DSN came to reader0's VERP address: the delivering MTA recorded it as Delivered-To.
      const verp = verpAddress('2026-12-01', a!, DOMAIN, TEST_SECRET);
      await imap.append(
        dsn('reader0@example.org', 'failed', '5.1.1', { headers: [`Delivered-To: ${verp}`] }),
      );
      await imap.append(arf('reader1@example.org'));
      await imap.append(notAReport);
      expect(await imap.messages()).toHaveLength(3);

      const open = () => openMailbox(t!.config.bounceImap!);
      expect(await pollMailbox(t.ctx, open)).toEqual({ fetched: 3, deleted: 3, left: 0 });

      const suppressed = await t.ctx.suppressions.list();
      expect(suppressed.map((s) => [s.email, s.reason, s.source]).sort()).toEqual([
        ['reader0@example.org', 'hard-bounce', 'dsn'],
        ['reader1@example.org', 'complaint', 'arf'],
      ]);
      expect((await t.ctx.subscribers.getMany([a!, b!, c!])).map((s) => s?.status)).toEqual([
        'bounced',
        'complained',
        'active',
      ]);
      // The malformed one is in Redis for an operator (`gazette inbound --list`), so it may go.
      expect(await t.ctx.inbound.list()).toEqual([
        expect.objectContaining({ reason: expect.stringMatching(/^malformed/) }),
      ]);
      expect(await imap.messages()).toEqual([]);
      // An empty mailbox is a poll that does nothing.
      expect(await pollMailbox(t.ctx, open)).toEqual({ fetched: 0, deleted: 0, left: 0 });
    });

    it('with Redis unreachable nothing is deleted; the next poll, Redis back, takes them all', async () => {
      imap = await startOwnImap();
      own = await startOwnRedis();
      const config = loadConfig({
        REDIS_URL: own.url,
        GAZETTE_PREFIX: 'gztest-imap',
        SECRET: TEST_SECRET,
        BOUNCE_DOMAIN: DOMAIN,
        BOUNCE_IMAP_URL: imap.url,
      });
      const ctx = await createContext(config, createLogger({ level: 'silent', pretty: false }));
      try {
        await ctx.subscribers.add({ email: 'reader0@example.org', status: 'active' });
        await imap.append(dsn('reader0@example.org', 'failed', '5.1.1'));
        await imap.append(notAReport);
        const open = () => openMailbox(config.bounceImap!);

        await own.stop();
        expect(await pollMailbox(ctx, open, { handleTimeoutMs: 1_000 })).toEqual({
          fetched: 2,
          deleted: 0,
          left: 2,
        });
        expect(await imap.messages()).toHaveLength(2);

        await own.start();
        expect(await pollMailbox(ctx, open)).toMatchObject({ deleted: 2, left: 0 });
        expect(await ctx.suppressions.get('reader0@example.org')).toMatchObject({
          reason: 'hard-bounce',
        });
        expect(await imap.messages()).toEqual([]);
      } finally {
        ctx.redis.disconnect();
        await ctx.queues.close().catch(() => undefined);
      }
    }, 30_000);

    it('gazette inbound with BOUNCE_IMAP_URL polls the mailbox beside its SMTP listener, and stops on SIGTERM', async () => {
      imap = await startOwnImap();
      t = await testPipeline({ BOUNCE_DOMAIN: DOMAIN });
      await t.addSubscribers(1);
      await imap.append(dsn('reader0@example.org', 'failed', '5.1.1'));
      const child = spawnGazette(['inbound'], {
        REDIS_URL: REDIS_URL,
        GAZETTE_PREFIX: t.config.prefix,
        SECRET: TEST_SECRET,
        BOUNCE_DOMAIN: DOMAIN,
        INBOUND_PORT: '0',
        BOUNCE_IMAP_URL: imap.url,
        BOUNCE_IMAP_INTERVAL_S: '1',
        LOG_LEVEL: 'info',
      });
      try {
        await child.waitFor('mailbox polled', 90_000);
        expect(child.stderr()).toContain('inbound listening');
        expect(await t.ctx.suppressions.get('reader0@example.org')).toMatchObject({
          reason: 'hard-bounce',
          source: 'dsn',
        });
        expect(await imap.messages()).toEqual([]);
      } finally {
        child.proc.kill('SIGTERM');
      }
      expect(await child.exited).toBe(0);
    }, 120_000);

    it('off the loopback a server without STARTTLS is refused before any login', async () => {
      imap = await startOwnImap();
      // What the config makes of imap:// to a remote host; this dovecot offers no TLS at all.
      await expect(openMailbox({ ...imap.settings, requireTls: true })).rejects.toThrow(
        /STARTTLS|TLS/i,
      );
    });

    it('the poller logs a server that is down and tries again each interval, never throwing', async () => {
      imap = await startOwnImap();
      t = await testPipeline({ BOUNCE_DOMAIN: DOMAIN, BOUNCE_IMAP_URL: imap.url });
      await t.addSubscribers(1);
      const warnings: string[] = [];
      const log = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(line) });
      await imap.stop();
      const poller = startMailboxPoller(
        { ...t.ctx, log },
        () => openMailbox(t!.config.bounceImap!),
        {
          intervalMs: 200,
        },
      );
      try {
        await expect.poll(() => warnings.length, { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
        expect(JSON.parse(warnings[0]!)).toMatchObject({
          msg: 'mailbox poll failed; trying again next interval',
          err: expect.stringMatching(/ECONNREFUSED|connect/i),
        });
      } finally {
        await poller.stop();
      }
    }, 30_000);
  },
);

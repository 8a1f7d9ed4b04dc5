import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { readFile } from 'node:fs/promises';
import { messageIdFor } from '../../src/domain/mail/compose.js';
import { verifyToken } from '../../src/domain/mail/tokens.js';
import { runOnce } from '../../src/operations/run.js';
import { rawHeader, startSmtpSink, type SmtpSink } from '../helpers/smtp.js';
import { sampleWire, TEST_SECRET, testPipeline, type TestPipeline } from '../helpers/pipeline.js';

describe('gazette run', () => {
  let t: TestPipeline;
  let sink: SmtpSink;
  afterEach(async () => {
    await t?.cleanup();
    await sink?.close();
  });

  it('delivers one edition to three subscribers, each mail with both parts, the list headers and its own tokens', async () => {
    sink = await startSmtpSink();
    t = await testPipeline({ SMTP_URL: sink.url });
    const ids = await t.addSubscribers(3);
    await t.writeArticle(
      'harbour.txt',
      sampleWire('The harbour reopened on Monday, after a week of storms.'),
    );
    await t.writeArticle(
      'library.txt',
      sampleWire('The city library will stay open late, the council decided.'),
    );
    t.startWorkers();

    const summary = await runOnce(t.ctx, {
      contentDir: t.config.contentDir,
      feedPath: join(t.dir, 'feed.xml'),
    });
    expect(summary).toMatchObject({ recipients: 3, sent: 3, failed: 0, bounced: 0, uncertain: 0 });
    expect(summary.editionId).toBeTruthy();
    expect(await readFile(summary.feedPath, 'utf8')).toContain('<rss');

    const mails = await sink.parsed();
    expect(mails).toHaveLength(3);
    const unsubscribeUrls = new Set<string>();
    for (const mail of mails) {
      const to = (Array.isArray(mail.to) ? mail.to[0] : mail.to)?.value[0]?.address ?? '';
      const i = Number(/reader(\d+)@/.exec(to)?.[1]);
      expect(mail.text).toContain('The harbour reopened on Monday');
      expect(mail.html).toContain('The harbour reopened on Monday');
      expect(mail.headers.get('content-type')).toMatchObject({ value: 'multipart/alternative' });
      expect(mail.messageId).toBe(messageIdFor(summary.editionId!, ids[i]!, 'news.example'));
      const rawList = rawHeader(mail, 'list-unsubscribe') ?? '';
      expect(rawList).toMatch(/<https:\/\/news\.example\/unsubscribe\?token=[^>]+>/);
      expect(rawList).toMatch(/<mailto:[^>]+>/);
      expect(rawHeader(mail, 'list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
      const token = /unsubscribe\?token=([^>\s]+)/.exec(rawList)?.[1] ?? '';
      expect(verifyToken(token, 'unsubscribe', TEST_SECRET).sub).toBe(ids[i]);
      expect(mail.html).toContain(token);
      unsubscribeUrls.add(token);
    }
    expect(unsubscribeUrls.size).toBe(3);
    for (const id of ids)
      expect((await t.ctx.deliveries.get(summary.editionId!, id!))?.state).toBe('sent');
  });

  it('sends nothing twice when run again with nothing new', async () => {
    sink = await startSmtpSink();
    t = await testPipeline({ SMTP_URL: sink.url });
    await t.addSubscribers(2);
    await t.writeArticle(
      'harbour.txt',
      sampleWire('The harbour reopened on Monday, after a week of storms.'),
    );
    t.startWorkers();
    const first = await runOnce(t.ctx, {
      contentDir: t.config.contentDir,
      feedPath: join(t.dir, 'feed.xml'),
    });
    const second = await runOnce(t.ctx, {
      contentDir: t.config.contentDir,
      feedPath: join(t.dir, 'feed.xml'),
    });
    expect(first.sent).toBe(2);
    expect(second.editionId).toBeNull();
    expect(sink.received).toHaveLength(2);
  });
});

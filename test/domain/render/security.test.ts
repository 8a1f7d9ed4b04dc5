import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/runtime/config.js';
import { makeEdition } from '../../../src/domain/edition/edition.js';
import { buildFeed } from '../../../src/domain/feed/feed.js';
import { buildConfirmationMail } from '../../../src/domain/mail/confirmation.js';
import {
  prepareEditionMessage,
  recipientLinks,
  renderRaw,
} from '../../../src/domain/mail/compose.js';
import { encodePhrase } from '../../../src/domain/mail/headers.js';
import { renderEdition } from '../../../src/domain/render/render.js';
import { storyImage } from '../../../src/domain/render/safe.js';
import { CONFIG, hostileArticle } from '../../helpers/render.js';

const BIDI = '\u202Egnp.exe\u202C \u2066x\u2069';

describe('issue 10, the Lows of the renderer and the composer', () => {
  it('bidi overrides in article text reach neither Subject, HTML, text nor feed', async () => {
    const article = { ...hostileArticle(), title: `Invoice ${BIDI}`, summary: `Pay ${BIDI}` };
    const edition = makeEdition([article], { id: 'bidi', date: new Date() });
    const rendered = await renderEdition(edition, CONFIG);
    const prepared = prepareEditionMessage(rendered, {
      from: CONFIG.mailFrom,
      siteName: CONFIG.siteName,
    });
    const raw = renderRaw(prepared, {
      subscriberId: 's1',
      email: 's1@example.com',
      name: `Eve ${BIDI}`,
      ...recipientLinks(CONFIG, 's1'),
    });
    const mail = await simpleParser(raw);
    const feed = buildFeed([article], CONFIG, { now: new Date() });
    for (const [where, text] of [
      ['subject', mail.subject ?? ''],
      ['to', mail.headers.get('to') ? JSON.stringify(mail.headers.get('to')) : ''],
      ['html', String(mail.html)],
      ['text', mail.text ?? ''],
      ['feed', feed],
    ] as const)
      expect(text, where).not.toMatch(/[\u202A-\u202E\u2066-\u2069]/);
    expect(mail.subject).toContain('Invoice gnp.exe');
  });

  it('a name that looks like an encoded word is encoded, not quoted; a long CJK name is folded', async () => {
    expect(encodePhrase('=?UTF-8?B?QWRtaW4=?=')).toMatch(/^=\?UTF-8\?Q\?/);
    const name = '山田太郎'.repeat(25);
    const mail = buildConfirmationMail({
      from: CONFIG.mailFrom,
      siteName: CONFIG.siteName,
      to: { email: 'yamada@example.jp', name },
      confirmUrl: 'https://gazette.example/confirm?token=x',
      validFor: '7 days',
    });
    const head = mail.raw.toString('latin1').split('\r\n\r\n')[0]!;
    // RFC 5322: 998 at most; ours stay near 78 (an encoded word is at most 75 characters).
    const lines = head.split('\r\n');
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(998);
    const to = lines.findIndex((l) => l.startsWith('To:'));
    const toLines = [lines[to]!];
    for (let k = to + 1; lines[k]?.startsWith(' '); k++) toLines.push(lines[k]!);
    expect(toLines.length).toBeGreaterThan(3);
    for (const line of toLines) expect(line.length).toBeLessThanOrEqual(80);
    const parsed = await simpleParser(mail.raw);
    expect(parsed.to).toMatchObject({ value: [{ address: 'yamada@example.jp', name }] });
    const tricky = await simpleParser(
      buildConfirmationMail({
        from: CONFIG.mailFrom,
        siteName: CONFIG.siteName,
        to: { email: 'a@example.org', name: '=?UTF-8?B?QWRtaW4=?=' },
        confirmUrl: 'https://gazette.example/confirm?token=x',
        validFor: '7 days',
      }).raw,
    );
    // Shown as typed, never decoded into "Admin".
    expect(tricky.to).toMatchObject({ value: [{ name: '=?UTF-8?B?QWRtaW4=?=' }] });
  });

  it('images come only from MEDIA_BASE_URL: an absolute URL elsewhere, or no base, shows none', () => {
    const withImage = (src: string) => ({
      ...hostileArticle(),
      media: [{ kind: 'image' as const, src, caption: 'c' }],
    });
    const base = 'https://media.gazette.example';
    expect(storyImage(withImage('https://tracker.example/p.gif'), base)).toBeUndefined();
    expect(storyImage(withImage(`${base}.evil.example/p.gif`), base)).toBeUndefined();
    expect(storyImage(withImage(`${base}/harbour.jpg`), base)?.src).toBe(`${base}/harbour.jpg`);
    expect(storyImage(withImage('harbour.jpg'), base)?.src).toBe(`${base}/harbour.jpg`);
    const none = loadConfig({}).mediaBaseUrl;
    expect(storyImage(withImage('https://tracker.example/p.gif'), none)).toBeUndefined();
    expect(storyImage(withImage('harbour.jpg'), none)).toBeUndefined();
  });
});

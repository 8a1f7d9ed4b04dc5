import fc from 'fast-check';
import { simpleParser, type ParsedMail } from 'mailparser';
import MailComposer from 'nodemailer/lib/mail-composer';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeEdition } from '../../../src/domain/edition/edition.js';
import {
  messageIdFor,
  prepareEditionMessage,
  recipientLinks,
  renderRaw,
  type PreparedMessage,
  type Recipient,
} from '../../../src/domain/mail/compose.js';
import { encodeQpChunk } from '../../../src/domain/mail/qp.js';
import { isDataSafe } from '../../../src/domain/mail/data-safe.js';
import { nodemailerOptionsFor } from '../../../bench/reference.js';
import { verifyToken } from '../../../src/domain/mail/tokens.js';
import { personalize } from '../../../src/domain/render/personalize.js';
import { renderEdition, type RenderedEdition } from '../../../src/domain/render/render.js';
import { CONFIG, describeSeed, seedArticle, wireArticles } from '../../helpers/render.js';

const DATE = new Date('2026-02-10T07:00:05Z');
const OPTS = { from: CONFIG.mailFrom, siteName: CONFIG.siteName };
let rendered: RenderedEdition;
let prepared: PreparedMessage;

const recipient = (id: string, name?: string): Recipient => ({
  subscriberId: id,
  email: `${id}@example.com`,
  name: name ?? null,
  ...recipientLinks(CONFIG, id),
});
const header = (mail: ParsedMail, key: string) => mail.headerLines.find((h) => h.key === key)?.line;

// The edition these tests mail carries the reference sample (a story with every part).
describeSeed('the edition message', () => {
  beforeAll(async () => {
    const edition = makeEdition([seedArticle(), ...wireArticles(6)], {
      id: '2026-02-10',
      date: DATE,
    });
    rendered = await renderEdition(edition, CONFIG);
    prepared = prepareEditionMessage(rendered, OPTS);
  });

  describe('renderRaw', () => {
    it('is a multipart/alternative message with both parts and the list headers', async () => {
      const r = recipient('sub-42', 'Zoë Ångström');
      const mail = await simpleParser(renderRaw(prepared, r, DATE));
      expect(mail.headers.get('content-type')).toMatchObject({ value: 'multipart/alternative' });
      expect(mail.from?.value).toEqual([
        { address: 'digest@gazette.example', name: 'The Gazette' },
      ]);
      const to = Array.isArray(mail.to) ? mail.to[0] : mail.to;
      expect(to?.value).toEqual([{ address: 'sub-42@example.com', name: 'Zoë Ångström' }]);
      expect(mail.subject).toBe(rendered.subject);
      expect(mail.date?.toISOString()).toBe(DATE.toISOString());
      expect(mail.messageId).toBe(messageIdFor('2026-02-10', 'sub-42', 'gazette.example'));
      expect(header(mail, 'list-unsubscribe')).toBe(
        `List-Unsubscribe: <${r.unsubscribeUrl}>,\r\n <${r.mailtoUnsubscribe}>`,
      );
      expect(header(mail, 'list-unsubscribe-post')).toBe(
        'List-Unsubscribe-Post: List-Unsubscribe=One-Click',
      );
      expect(header(mail, 'list-id')).toBe('List-Id: The Gazette <the-gazette.gazette.example>');
      // mailparser hands back LF line ends, as the personalised copy has them.
      expect(mail.text).toBe(personalize(rendered, r).text);
      expect(mail.html).toBe(personalize(rendered, r).html);
      expect(mail.text).toContain('Hello Zoë Ångström,');
    });

    it('carries tokens that verify for this subscriber and purpose only', async () => {
      const r = recipient('sub-7');
      const mail = await simpleParser(renderRaw(prepared, r, DATE));
      const token = (purpose: string) =>
        new RegExp(`/${purpose}\\?token=([\\w.-]+)`).exec(mail.html as string)![1];
      expect(verifyToken(token('unsubscribe'), 'unsubscribe', CONFIG.secret).sub).toBe('sub-7');
      expect(verifyToken(token('preferences'), 'preferences', CONFIG.secret).sub).toBe('sub-7');
      expect(() => verifyToken(token('unsubscribe'), 'preferences', CONFIG.secret)).toThrow();
      expect(r.mailtoUnsubscribe).toMatch(
        /^mailto:digest\+unsubscribe@gazette\.example\?subject=unsubscribe%20[\w.-]+$/,
      );
    });

    it('is plain 7-bit with lines of at most 76 characters (78 for headers)', () => {
      const raw = renderRaw(prepared, recipient('sub-1', 'Émile'), DATE);
      expect([...raw].every((b) => b < 0x80)).toBe(true);
      const text = raw.toString('latin1');
      expect(text).not.toMatch(/[^\r]\n|\r[^\n]/);
      const [head, body] = [
        text.slice(0, text.indexOf('\r\n\r\n')),
        text.slice(text.indexOf('\r\n\r\n')),
      ];
      for (const line of head.split('\r\n')) expect(line.length).toBeLessThanOrEqual(998);
      for (const line of body.split('\r\n')) expect(line.length).toBeLessThanOrEqual(76);
    });

    it('encodes a non-ASCII site name in List-Id without touching the id', async () => {
      const zurich = prepareEditionMessage(rendered, { ...OPTS, siteName: 'Gazette Zürich' });
      const mail = await simpleParser(renderRaw(zurich, recipient('sub-1'), DATE));
      expect(header(mail, 'list-id')).toBe(
        'List-Id: =?UTF-8?Q?Gazette_Z=C3=BCrich?= <gazette-zurich.gazette.example>',
      );
      // (mailparser does not decode encoded words in List-Id names; the id is what filters use.)
      expect(mail.headers.get('list')).toMatchObject({
        id: { id: 'gazette-zurich.gazette.example' },
      });
    });

    it('gives each (edition, subscriber) one stable Message-ID', () => {
      const a = messageIdFor('2026-02-10', 'sub-1', 'gazette.example');
      expect(messageIdFor('2026-02-10', 'sub-1', 'gazette.example')).toBe(a);
      expect(messageIdFor('2026-02-10', 'sub-2', 'gazette.example')).not.toBe(a);
      expect(messageIdFor('2026-02-11', 'sub-1', 'gazette.example')).not.toBe(a);
      expect(a).toMatch(/^<[0-9a-f]{32}\.2026-02-10@gazette\.example>$/);
    });

    it('refuses an address that is not one, rather than writing it into To', () => {
      for (const email of [
        'a@b.example\r\nBcc: x@y.example',
        'no-at-sign',
        'a b@c.example',
        '<a@b.example>',
      ]) {
        expect(() => renderRaw(prepared, { ...recipient('x'), email }, DATE)).toThrow(
          /not a deliverable address/,
        );
      }
    });
  });

  describe('data-safe for SMTP as composed', () => {
    it('leaves no line starting with a dot and no bare CR or LF, whatever the text or the reader', async () => {
      // Lines of the edition's text and HTML that start with dots, and a reader whose values
      // would start lines with one.
      const dotted: RenderedEdition = {
        ...rendered,
        text: `.first\n${rendered.text}\n.\n..two\r.three\n`,
        html: rendered.html.replace('<body', '\n.<b>dot</b>\n<body'),
      };
      const copy = prepareEditionMessage(dotted, OPTS);
      const raw = renderRaw(copy, recipient('sub-1', '.Dotty\n.Name'), DATE);
      expect(isDataSafe(raw)).toBe(true);
      const mail = await simpleParser(raw);
      expect(mail.text).toContain('.first\n');
      expect(mail.text).toContain('\n.\n..two\n.three\n');
      expect(mail.html).toContain('\n.<b>dot</b>\n');
    });
  });

  describe('the fast path against nodemailer', () => {
    it('decodes to the same headers that matter, the same text and byte-for-byte the same HTML', async () => {
      for (const r of [recipient('sub-1'), recipient('sub-2', 'Ana "the reader" O’Neil')]) {
        const fast = await simpleParser(renderRaw(prepared, r, DATE));
        const slow = await simpleParser(
          await new MailComposer(nodemailerOptionsFor(rendered, r, OPTS, DATE)).compile().build(),
        );
        expect(fast.subject).toBe(slow.subject);
        expect(fast.from).toEqual(slow.from);
        expect(fast.to).toEqual(slow.to);
        expect(fast.date).toEqual(slow.date);
        expect(fast.messageId).toBe(slow.messageId);
        expect(fast.headers.get('list')).toEqual(slow.headers.get('list'));
        expect(fast.text).toBe(slow.text);
        expect(Buffer.from(fast.html as string)).toEqual(Buffer.from(slow.html as string));
      }
    });
  });
});

describe('encodeQpChunk', () => {
  it('decodes, chunk after chunk, to exactly the text given', async () => {
    const head =
      'Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n';
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            fc.string({ unit: 'grapheme', maxLength: 200 }),
            // Dots where lines start, after every kind of line break, and at a soft break.
            fc
              .array(fc.constantFrom('.', '..', '\n', '\r', '\r\n', 'x'.repeat(74), 'a'), {
                maxLength: 12,
              })
              .map((a) => a.join('')),
          ),
          { minLength: 1, maxLength: 4 },
        ),
        async (parts) => {
          const body = Buffer.concat(parts.map(encodeQpChunk));
          for (const line of body.toString('latin1').split('\r\n'))
            expect(line.length).toBeLessThanOrEqual(76);
          // Every chunk can go into SMTP's DATA as it is: no leading dot, no bare CR or LF.
          for (const part of parts) expect(isDataSafe(encodeQpChunk(part))).toBe(true);
          const mail = await simpleParser(Buffer.concat([Buffer.from(head), body]));
          // Each chunk is encoded on its own: a CR ending one and an LF opening the next are two
          // line breaks, not one CRLF.
          expect(mail.text ?? '').toBe(parts.map((p) => p.replace(/\r\n?/g, '\n')).join(''));
        },
      ),
      { numRuns: 150 },
    );
  });
});

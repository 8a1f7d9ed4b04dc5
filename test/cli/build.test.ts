import { copyFile, mkdir, mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { XMLValidator } from 'fast-xml-parser';
import { simpleParser } from 'mailparser';
import Parser from 'rss-parser';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildCommand } from '../../src/cli/commands/build.js';
import { loadConfig } from '../../src/runtime/config.js';
import { messageIdFor } from '../../src/domain/mail/compose.js';

const WIRE = ['all-elements', 'bare-lead', 'crlf', 'highlights-consecutive'];
let dir: string;
let errors: string[];
let exitCode: typeof process.exitCode;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gazette-build-'));
  const content = join(dir, 'content');
  await mkdir(join(content, 'nested'), { recursive: true });
  for (const [i, name] of WIRE.entries()) {
    const to = join(content, i % 2 ? 'nested' : '', `${name}.txt`);
    await copyFile(resolve('test', 'fixtures', 'wire', `${name}.txt`), to);
    // Wire copy without a date is dated by its file's time.
    const t = new Date(Date.UTC(2026, 1, 1, i));
    await utimes(to, t, t);
  }
  await writeFile(
    join(content, 'harbour-lights.md'),
    '---\ntitle: Harbour lights switched on for winter\ndate: 2026-02-11T18:00:00Z\ntags: [local]\n---\nThe harbour’s string of lights came on at dusk.\n',
  );
  await writeFile(join(content, 'empty.md'), '   \n');
  await writeFile(join(content, 'notes.json'), '{}');
  const config = loadConfig({
    NODE_ENV: 'test',
    CONTENT_DIR: content,
    SITE_URL: 'https://gazette.example',
    MAIL_FROM: 'Gazette Digest <digest@gazette.example>',
    SECRET: 'build-test-secret-0123456789abcdefgh',
  });
  errors = [];
  vi.spyOn(console, 'log').mockImplementation(() => {});
  vi.spyOn(console, 'error').mockImplementation((m: string) => void errors.push(m));
  exitCode = process.exitCode;
  await buildCommand(join(dir, 'out'), config, new Date('2026-02-12T06:00:00Z'));
});

afterAll(async () => {
  vi.restoreAllMocks();
  process.exitCode = exitCode;
  await rm(dir, { recursive: true, force: true });
});

const out = (...p: string[]) => readFile(join(dir, 'out', ...p));

describe('gazette build', () => {
  it('reports the bad file, carries on, and exits 1 at the end', () => {
    expect(errors.some((e) => e.includes('empty.md') && e.includes('empty'))).toBe(true);
    expect(process.exitCode).toBe(1);
  });

  it('writes a feed of every good article that parsers accept', async () => {
    const xml = (await out('feed.xml')).toString('utf8');
    expect(XMLValidator.validate(xml)).toBe(true);
    const feed = await new Parser().parseString(xml);
    expect(feed.items).toHaveLength(WIRE.length + 1);
    expect(feed.items[0]!.title).toBe('Harbour lights switched on for winter');
  });

  it('names the edition by the newest story’s date and writes its html and text', async () => {
    const html = (await out('editions', '2026-02-11.html')).toString('utf8');
    const text = (await out('editions', '2026-02-11.txt')).toString('utf8');
    expect(html).toContain('Harbour lights switched on for winter');
    expect(html).toContain('href="https://gazette.example/unsubscribe"');
    expect(text).toContain('Unsubscribe: https://gazette.example/unsubscribe');
    expect(html + text).not.toContain('__GZ_');
  });

  it('writes the sample subscriber’s whole message', async () => {
    const mail = await simpleParser(await out('editions', '2026-02-11.eml'));
    expect(mail.headers.get('content-type')).toMatchObject({ value: 'multipart/alternative' });
    expect(mail.text).toContain('Harbour lights');
    expect(mail.html).toContain('Harbour lights');
    expect(mail.from?.value).toEqual([
      { name: 'Gazette Digest', address: 'digest@gazette.example' },
    ]);
    expect(mail.headerLines.find((h) => h.key === 'from')!.line).toBe(
      'From: Gazette Digest <digest@gazette.example>',
    );
    expect(mail.date?.toISOString()).toBe('2026-02-12T06:00:00.000Z');
    expect(mail.messageId).toBe(messageIdFor('2026-02-11', 'sample', 'gazette.example'));
    const unsubscribe = mail.headerLines.find((h) => h.key === 'list-unsubscribe')!.line;
    expect(unsubscribe).toMatch(
      /^List-Unsubscribe: <https:\/\/gazette\.example\/unsubscribe\?token=[\w.-]+>,\r\n <mailto:digest\+unsubscribe@gazette\.example\?subject=unsubscribe%20[\w.-]+>$/,
    );
    expect(mail.headerLines.find((h) => h.key === 'list-unsubscribe-post')!.line).toBe(
      'List-Unsubscribe-Post: List-Unsubscribe=One-Click',
    );
  });
});

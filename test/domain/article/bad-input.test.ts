import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseArticleFile } from '../../../src/domain/article/index.js';
import { InvalidArticleError } from '../../../src/runtime/errors.js';
import { fixture, REPO, SITE_URL } from '../../helpers/article.js';

const fm = (yaml: string): string => `---\n${yaml}\n---\nThe story starts here.\n`;

// [file name, contents, line the message must name (or null), what the message must say]
const BAD: [string, string | Uint8Array, number | null, RegExp][] = [
  ['empty.txt', '', null, /empty/],
  ['blank.md', ' \n\t\n\u00a0\n', null, /empty/],
  ['binary.txt', Uint8Array.from([0x43, 0x4e, 0x4e, 0x00, 0x01, 0xff]), 1, /binary data/],
  [
    'latin1.txt',
    Uint8Array.from([...Buffer.from('(CNN) -- Caf'), 0xe9, ...Buffer.from(' opens.\n')]),
    1,
    /not valid UTF-8.*0xE9/,
  ],
  [
    'windows-1252.txt',
    Uint8Array.from([...Buffer.from('Title line\n\nHe said '), 0x93, 0x68, 0x69, 0x94, 0x2e]),
    3,
    /not valid UTF-8.*0x93/,
  ],
  // YAML reports a quote left open where the text runs out: the closing `---`.
  ['bad-yaml.md', fm('title: "unclosed\ntags: [a, b'), 3, /front matter: Missing closing/],
  ['bad-indent.txt', fm('title: x\n  date: 2026-01-01\n tags: a'), 2, /front matter/],
  ['duplicate-key.md', fm('title: A\ntitle: B'), 3, /front matter: .*unique/],
  ['bad-url.md', fm('title: T\nurl: ftp://example.com/x'), 3, /"url": must be an http\(s\) URL/],
  ['empty-title.md', fm('title: ""'), 2, /"title": must not be empty/],
  ['unclosed.md', '---\ntitle: Never closed\n\nThe story.\n', 1, /never closed/],
  ['month-13.md', fm('title: T\ndate: 2016-13-45'), 3, /"2016-13-45" is not a date/],
  ['feb-30.txt', fm('date: 2016-02-30'), 2, /"2016-02-30" is not a date/],
  ['yesterday.md', fm('title: T\ntags: [a]\ndate: yesterday'), 4, /"yesterday" is not a date/],
  ['unknown-key.md', fm('title: T\nauthor: Someone'), 3, /unknown front matter key "author"/],
  ['bad-id.md', fm('id: Not An Id'), 2, /"id"/],
  ['not-a-map.md', fm('- just\n- a list'), 2, /mapping/],
  ['only-front-matter.md', '---\ntitle: T\n---\n\n', 4, /no story text/],
  ['only-media.txt', 'photo.jpg\n00:10 - Source: X\n', null, /no story text/],
  ['story.docx', 'A story.', null, /unsupported file type "\.docx"/],
  ['story', 'A story.', null, /unsupported file type/],
  ['huge.txt', 'All work and no play. '.repeat(50_000), null, /limit is 1 MB/],
];

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gazette-bad-'));
  await Promise.all(BAD.map(([name, body]) => writeFile(join(dir, name), body)));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('bad input', () => {
  it.each(BAD)('%s throws InvalidArticleError naming the file', async (name, _body, line, what) => {
    const file = join(dir, name);
    const err = await parseArticleFile(file, { siteUrl: SITE_URL }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidArticleError);
    const e = err as InvalidArticleError;
    expect(e.file).toBe(file);
    expect(e.reason).toMatch(what);
    if (line !== null) expect(e.line).toBe(line);
    expect(e.message).toBe(`${file}${e.line ? `:${e.line}` : ''}: ${e.reason}`);
  });

  it('a missing file and a directory are bad input too', async () => {
    for (const file of [join(dir, 'nope.txt'), dir]) {
      const err = await parseArticleFile(file, { siteUrl: SITE_URL }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InvalidArticleError);
      expect((err as Error).message.startsWith(file)).toBe(true);
    }
  });
});

function cli(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [resolve(REPO, 'bin', 'gazette.js'), ...args], {
      env: { ...process.env, NODE_ENV: 'test' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

describe('gazette parse', () => {
  type Run = Awaited<ReturnType<typeof cli>>;
  const runs = new Map<string, Run>();
  const good = fixture('wire', 'place-paren.txt');
  const cases: [string, number][] = [
    ['month-13.md', 3],
    ['windows-1252.txt', 3],
  ];

  // One process per file, all at once: each pays for starting Node and compiling the CLI.
  beforeAll(async () => {
    const files = [...cases.map(([name]) => join(dir, name)), good];
    const results = await Promise.all(files.map((f) => cli('parse', f)));
    files.forEach((f, k) => runs.set(f, results[k]!));
  }, 60_000);

  it.each(cases)('%s: exit 1, `file:line: message` on stderr, nothing on stdout', (name, line) => {
    const file = join(dir, name);
    const { code, stdout, stderr } = runs.get(file)!;
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr.startsWith(`${file}:${line}: `)).toBe(true);
    expect(stderr.length).toBeGreaterThan(`${file}:${line}: `.length + 5);
  });

  it('a good file prints the Article as JSON and exits 0', () => {
    const { code, stdout } = runs.get(good)!;
    expect(code).toBe(0);
    const a = JSON.parse(stdout) as { dateline: string; source: string; id: string };
    expect([a.id, a.source, a.dateline]).toEqual(['place-paren', 'CNN', 'Los Angeles']);
  });
});

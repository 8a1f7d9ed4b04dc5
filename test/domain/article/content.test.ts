import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ArticleSchema } from '../../../src/domain/article/index.js';
import { paragraphs, parseFile, REPO, titleProblem } from '../../helpers/article.js';

const DIR = resolve(REPO, 'content');
const files = readdirSync(DIR).filter((f) => /\.(?:md|txt)$/.test(f));
const parsed = files.map((f) => ({
  f,
  raw: readFileSync(resolve(DIR, f), 'utf8'),
  a: parseFile(resolve(DIR, f)),
}));
const wire = parsed.filter(({ f }) => f.endsWith('.txt'));

describe('content/', () => {
  it('has at least four wire stories and two Markdown articles', () => {
    expect(wire.length).toBeGreaterThanOrEqual(4);
    expect(parsed.length - wire.length).toBeGreaterThanOrEqual(2);
  });

  it.each(parsed.map(({ f, a }) => [f, a] as const))(
    '%s parses to a valid Article of realistic length',
    (_f, a) => {
      expect(ArticleSchema.parse(a)).toEqual(a);
      expect(paragraphs(a).length).toBeGreaterThanOrEqual(8);
      expect(paragraphs(a).length).toBeLessThanOrEqual(25);
      expect(a.title.length).toBeLessThanOrEqual(90);
    },
  );

  it('derives headlines, never clippings, where front matter gives no title', () => {
    const derived = parsed.filter(({ raw }) => !/^---\n[\s\S]*?^title:/m.test(raw));
    expect(derived.length).toBeGreaterThanOrEqual(4);
    for (const { f, a } of derived) {
      expect([f, titleProblem(a.title, paragraphs(a)[0]!)]).toEqual([f, undefined]);
    }
  });

  it('gives distinct 2026 dates where front matter gives one', () => {
    const dated = parsed
      .filter(({ raw }) => /^---\n[\s\S]*?^date:/m.test(raw))
      .map(({ a }) => a.publishedAt);
    expect(dated.length).toBeGreaterThanOrEqual(3);
    expect(new Set(dated).size).toBe(dated.length);
    for (const d of dated) expect(d.startsWith('2026-')).toBe(true);
  });

  it('between the wire stories, every wire element is used', () => {
    const raw = wire.map(({ raw }) => raw).join('\n');
    expect(raw).toMatch(/^\S.*\.jpg$/m);
    expect(raw).toMatch(/^This video is no longer available$/m);
    expect(raw).toMatch(/^\d\d:\d\d - Source: .+$/m);
    for (const marker of ['JUST WATCHED', 'Replay', 'More Videos ...', 'MUST WATCH']) {
      expect(raw).toContain(`\n${marker}\n`);
    }
    expect(raw).toMatch(/^Story highlights$/m);
    expect(raw).toContain('CNN\u00a0—\u00a0\n');
    expect(raw).toMatch(/^\(CNN\) -- \S/m);
    expect(raw).toMatch(/^Los Angeles \(CNN\) -- \S/m);
    expect(raw).toMatch(/^CNN’s .+, .+ and .+ contributed to this report\.$/m);
    expect(raw).toMatch(/[“”’—]/);

    const articles = wire.map(({ a }) => a);
    expect(articles.some((a) => a.highlights.length === 0 && a.media.length === 0)).toBe(true);
    expect(articles.some((a) => a.body.some((b) => b.type === 'heading'))).toBe(true);
    expect(articles.some((a) => a.contributors.length === 3)).toBe(true);
    expect(articles.map((a) => a.dateline)).toContain('Los Angeles');
  });

  it('Markdown articles take everything from front matter and keep headings, images, lists', () => {
    for (const { a } of parsed.filter(({ f }) => f.endsWith('.md'))) {
      expect(a.url).toMatch(/^https:\/\//);
      expect(a.tags.length).toBeGreaterThan(0);
      expect(a.highlights.length).toBeGreaterThan(0);
      expect(a.summary).not.toBe(paragraphs(a)[0]);
      expect(a.media.some((m) => m.kind === 'image' && m.src)).toBe(true);
      expect(a.body.some((b) => b.type === 'heading')).toBe(true);
    }
  });
});

import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArticle, type Article } from '../../src/domain/article/index.js';
import { loadConfig } from '../../src/runtime/config.js';

/** A production-like configuration; tests never read the real environment. */
export const CONFIG = loadConfig({
  NODE_ENV: 'test',
  SITE_URL: 'https://gazette.example',
  SITE_NAME: 'The Gazette',
  MEDIA_BASE_URL: 'https://media.gazette.example',
  MAIL_FROM: 'The Gazette <digest@gazette.example>',
  SECRET: 'render-tests-secret-0123456789abcdef',
  POSTAL_ADDRESS: 'The Gazette, 12 Harbour Road, Portsmouth PO1 2AB',
  DIGEST_TZ: 'Europe/London',
});

/** The reference wire sample lives beside the repository, never inside it. */
import { seedPath } from './seed.js';

export { describeSeed } from './seed.js';

const WIRE = resolve('test', 'fixtures', 'wire');

function parse(file: string, publishedAt: Date): Article {
  const article = parseArticle(readFileSync(file), {
    file,
    siteUrl: CONFIG.siteUrl,
    fallbackPublishedAt: publishedAt,
  });
  return { ...article, publishedAt: publishedAt.toISOString() };
}

/** The reference sample as an Article: call it only inside a `describeSeed` block. */
export function seedArticle(publishedAt = new Date('2016-03-27T09:30:00Z')): Article {
  return parse(seedPath(), publishedAt);
}

/**
 * `n` real, different stories (the parser's wire fixtures), an hour apart, newest first.
 * A 20-story edition of these is what the size budget is measured on.
 */
export function wireArticles(n: number, newest = new Date('2026-02-09T18:00:00Z')): Article[] {
  const files = readdirSync(WIRE)
    .filter((f) => f.endsWith('.txt'))
    .sort();
  const out: Article[] = [];
  for (const f of files) {
    if (out.length === n) break;
    const when = new Date(newest.getTime() - out.length * 3_600_000);
    try {
      out.push(parse(resolve(WIRE, f), when));
    } catch {
      // a fixture made to be rejected: not a story
    }
  }
  if (out.length < n) throw new Error(`only ${out.length} wire fixtures parse; ${n} wanted`);
  return out;
}

/** Everything an attacker controls, in every field the renderer reads. */
export const HOSTILE = {
  script: '<script>alert(1)</script>',
  breakout: '"><img src=x onerror=alert(1)>',
  js: 'javascript:alert(1)',
  crlf: 'line\r\nBcc: victim@example.com\r\n',
  cdata: 'a ]]> b ]]> c',
  bad: 'nul\u0000 and \uFFFE and \uFFFF end',
} as const;

const ALL = Object.values(HOSTILE).join(' ');

export function hostileArticle(id = 'hostile'): Article {
  return {
    id,
    title: `Title ${ALL}`,
    url: HOSTILE.js,
    source: `Source ${ALL}`,
    dateline: `Place ${ALL}`,
    publishedAt: '2026-02-10T08:00:00.000Z',
    summary: `Summary ${ALL}`,
    highlights: [`Highlight ${ALL}`, HOSTILE.cdata],
    body: [
      { type: 'paragraph', text: `Lead ${ALL}` },
      { type: 'heading', text: `Heading ${ALL}` },
      { type: 'paragraph', text: `Body ${ALL}` },
    ],
    media: [
      { kind: 'image', src: HOSTILE.js, caption: `Caption ${ALL}` },
      {
        kind: 'image',
        src: `pic ${HOSTILE.breakout}.jpg`,
        caption: `Caption ${ALL}`,
        credit: `Credit ${ALL}`,
      },
    ],
    contributors: [`Ann ${HOSTILE.script}`, `Bob ${HOSTILE.crlf}`, `Cy ${HOSTILE.bad}`],
    tags: [`tag ${HOSTILE.cdata}`, `tag ${HOSTILE.script}`],
  };
}

import matter from 'gray-matter';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { z } from 'zod';
import { InvalidArticleError } from '../../runtime/errors.js';
import { parseStrictDate } from '../dates.js';
import { ARTICLE_ID, isHttpUrl } from './schema.js';

const list = z.preprocess(
  (v) => (typeof v === 'string' ? v.split(',') : v),
  z.array(z.union([z.string(), z.number()]).transform((s) => String(s).trim())),
);

const scalar = z.union([z.string(), z.number()]).transform((v) => String(v).trim());

// Checked here rather than on the finished Article so that the message names the line.
const FrontMatterSchema = z
  .object({
    id: scalar.pipe(
      z
        .string()
        .max(120)
        .regex(ARTICLE_ID, 'must be lowercase letters, digits and single dashes, e.g. "my-story"'),
    ),
    title: scalar.pipe(z.string().min(1, 'must not be empty')),
    date: scalar,
    url: z.string().refine(isHttpUrl, 'must be an http(s) URL'),
    tags: list,
    summary: z.string(),
    highlights: list,
    source: z.string().nullable(),
    dateline: z.string().nullable(),
    contributors: list,
    image: z.string(),
  })
  .partial()
  .strict();

export type FrontMatter = Omit<z.output<typeof FrontMatterSchema>, 'date'> & {
  date?: Date;
  /** Authors from a sidecar or an extractor's JSON: contributors ahead of the text's own. */
  authors?: string[];
};

export interface Split {
  data: FrontMatter;
  body: string;
  /** 1-based line of the file where `body` starts. */
  bodyLine: number;
}

// The core schema keeps `date: 2016-13-45` a string, which we then check, instead of the YAML 1.1
// timestamp type that would roll it over to a real date without a word.
// gray-matter hands over the text after the opening `---` with its newline: drop that so that the
// YAML's line 1 is the file's line 2.
const yamlEngine = (yaml: string): object =>
  (parseYaml(yaml.replace(/^\n/, ''), { schema: 'core', uniqueKeys: true, logLevel: 'error' }) ??
    {}) as object;

/**
 * Splits optional YAML front matter off a text (newlines already LF); every problem names the
 * file and line. gray-matter finds the delimiters; `yaml` parses, for its line numbers.
 */
export function splitFrontMatter(text: string, file: string): Split {
  if (!/^---[ \t]*\n/.test(text)) return { data: {}, body: text, bodyLine: 1 };
  if (!/\n---[ \t]*(?:\n|$)/.test(text.slice(3))) {
    throw new InvalidArticleError(file, 'front matter opened with --- is never closed', 1);
  }

  let parsed: matter.GrayMatterFile<string>;
  try {
    parsed = matter(text, { engines: { yaml: yamlEngine } });
  } catch (err) {
    if (err instanceof YAMLParseError) {
      // The YAML text starts on the line after the opening `---`.
      const line = (err.linePos?.[0]?.line ?? 1) + 1;
      const what = err.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
      throw new InvalidArticleError(file, `front matter: ${what}`, line);
    }
    throw new InvalidArticleError(file, `front matter: ${(err as Error).message}`, 1);
  }
  const raw: unknown = parsed.data;
  const bodyStart = text.length - parsed.content.length;
  const fmText = text.slice(0, bodyStart);
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new InvalidArticleError(file, 'front matter must be a mapping of keys to values', 2);
  }
  const result = FrontMatterSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const key = String(issue.path[0] ?? (issue.code === 'unrecognized_keys' ? issue.keys[0] : ''));
    const what =
      issue.code === 'unrecognized_keys'
        ? `unknown front matter key "${issue.keys.join('", "')}" (known: ${Object.keys(FrontMatterSchema.shape).join(', ')})`
        : `front matter "${key}": ${issue.message}`;
    throw new InvalidArticleError(file, what, lineOfKey(fmText, key));
  }
  const { date, ...rest } = result.data;
  const data: FrontMatter = { ...rest };
  if (date !== undefined) {
    const d = parseStrictDate(date);
    if (!d) {
      throw new InvalidArticleError(
        file,
        `front matter "date": "${date}" is not a date (use ISO 8601, e.g. 2016-03-27 or 2016-03-27T09:30:00Z)`,
        lineOfKey(fmText, 'date'),
      );
    }
    data.date = d;
  }
  return {
    data,
    body: text.slice(bodyStart),
    bodyLine: text.slice(0, bodyStart).split('\n').length,
  };
}

function lineOfKey(fmText: string, key: string): number | undefined {
  if (!key) return undefined;
  const idx = fmText.split('\n').findIndex((l) => l.startsWith(`${key}:`));
  return idx >= 0 ? idx + 1 : undefined;
}

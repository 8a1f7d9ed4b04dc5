import { InvalidArticleError } from '../../runtime/errors.js';

/** A JSON object read from an input file; every problem names the file and, if it can, the line. */
export function readJsonObject(text: string, file: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const message = (err as Error).message;
    const at = /position (\d+)/.exec(message)?.[1];
    const line = at === undefined ? undefined : text.slice(0, Number(at)).split('\n').length;
    throw new InvalidArticleError(
      file,
      `not valid JSON: ${message.replace(/ in JSON at position \d+.*$/s, '')}`,
      line,
    );
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InvalidArticleError(file, 'expected a JSON object ({ … }) at the top', 1);
  }
  return value as Record<string, unknown>;
}

/** The line of the first `"key":` in a JSON text, for messages about that key. */
export function lineOfJsonKey(text: string, key: string): number | undefined {
  const at = text.search(new RegExp(`"${key.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&')}"\\s*:`));
  return at < 0 ? undefined : text.slice(0, at).split('\n').length;
}

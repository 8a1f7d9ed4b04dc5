import { parseArticleFile } from '../../domain/article/index.js';
import type { Config } from '../../runtime/config.js';

/** `gazette parse <file>`: the Article as JSON on stdout. */
export async function parseCommand(file: string, config: Config): Promise<void> {
  const { article } = await parseArticleFile(file, { siteUrl: config.siteUrl });
  process.stdout.write(`${JSON.stringify(article, null, 2)}\n`);
}

import type { Config } from '../../runtime/config.js';
import { createContext } from '../../operations/context.js';
import { expandPaths, ingestFiles, type IngestResult } from '../../operations/ingest.js';

/** `gazette ingest [paths…]`: one line per file, the bad ones on stderr; exit 1 if any was bad. */
export async function ingestCommand(paths: string[], config: Config): Promise<void> {
  const ctx = await createContext(config);
  try {
    const files = await expandPaths(paths.length ? paths : [config.contentDir]);
    if (files.length === 0)
      throw new Error(
        `no article files (.md, .markdown, .txt, .html, .htm) in ${paths.join(', ') || config.contentDir}`,
      );
    const results = await ingestFiles(files, {
      store: ctx.articles,
      editions: ctx.editions,
      siteUrl: config.siteUrl,
    });
    printResults(results);
    if (results.some((r) => 'error' in r)) process.exitCode = 1;
  } finally {
    await ctx.close();
  }
}

export function printResults(results: IngestResult[]): void {
  const counts = { created: 0, updated: 0, unchanged: 0, invalid: 0 };
  for (const r of results) {
    if ('error' in r) {
      counts.invalid++;
      console.error(r.error.message);
    } else {
      counts[r.outcome]++;
      console.log(`${r.outcome.padEnd(9)} ${r.id}  (${r.file})`);
    }
  }
  const summary = Object.entries(counts)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${n} ${k}`)
    .join(', ');
  console.log(
    `${results.length} file${results.length === 1 ? '' : 's'}: ${summary || 'nothing to do'}`,
  );
}

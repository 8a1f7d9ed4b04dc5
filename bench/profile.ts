/**
 * Where a V8 CPU profile (`--cpu-prof`) spends its time: self time by function and by package,
 * so a benchmark's bound can be shown without a browser.
 *   npx tsx bench/profile.ts bench/profiles/CPU.….cpuprofile [--top 25]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  totalMs: number;
  idleMs: number;
  functions: { name: string; where: string; ms: number; share: number }[];
  /** Time with the function anywhere on the stack: what a call costs with all it calls. */
  inclusive: { name: string; where: string; ms: number; share: number }[];
  packages: { name: string; ms: number; share: number }[];
}

/** `node_modules/<pkg>` (scoped too), `node:` internals, our `src/…` tree, or the VM itself. */
export function packageOf(url: string): string {
  if (!url) return '(native / V8)';
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return nm[1]!;
  if (url.startsWith('node:')) return 'node core';
  // Our code, from the sources (tsx) or compiled (dist/ mirrors src/).
  const ours = /\/(src|dist|bench|bin)\/(.*)$/.exec(url);
  if (ours) {
    return ours[1] === 'src' || ours[1] === 'dist' ? `src/${ours[2]!.split('/')[0]}` : ours[1]!;
  }
  return url;
}

const shortUrl = (url: string) =>
  url.includes('/node_modules/')
    ? url.replace(/^.*\/node_modules\//, 'node_modules/')
    : url.replace(/^.*\/(src|bench|dist)\//, (_m, dir: string) =>
        dir === 'dist' ? 'src/' : `${dir}/`,
      );

export function summarize(profile: Profile, top = 25): ProfileSummary {
  const self = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i]!;
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const byFunction = new Map<string, { name: string; where: string; us: number }>();
  const byPackage = new Map<string, number>();
  let total = 0;
  let idle = 0;
  for (const node of profile.nodes) {
    const us = self.get(node.id) ?? 0;
    if (!us) continue;
    total += us;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)') idle += us;
    const name = functionName || '(anonymous)';
    const where = url ? `${shortUrl(url)}:${lineNumber + 1}` : '';
    const key = `${name} ${where}`;
    const entry = byFunction.get(key) ?? { name, where, us: 0 };
    entry.us += us;
    byFunction.set(key, entry);
    const pkg = ['(idle)', '(garbage collector)', '(program)'].includes(functionName)
      ? functionName
      : packageOf(url);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + us);
  }
  const busy = total - idle || 1;
  const parent = new Map<number, ProfileNode>();
  const byId = new Map<number, ProfileNode>();
  for (const node of profile.nodes) {
    byId.set(node.id, node);
    for (const c of node.children ?? []) parent.set(c, node);
  }
  const inclusive = new Map<string, { name: string; where: string; us: number }>();
  for (const [id, us] of self) {
    const seen = new Set<string>();
    for (let node = byId.get(id); node; node = parent.get(node.id)) {
      const { functionName, url, lineNumber } = node.callFrame;
      if (!url || functionName === '(idle)') continue;
      const where = `${shortUrl(url)}:${lineNumber + 1}`;
      const key = `${functionName} ${where}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const entry = inclusive.get(key) ?? { name: functionName || '(anonymous)', where, us: 0 };
      entry.us += us;
      inclusive.set(key, entry);
    }
  }
  return {
    totalMs: total / 1000,
    idleMs: idle / 1000,
    functions: [...byFunction.values()]
      .filter((f) => f.name !== '(idle)')
      .sort((a, b) => b.us - a.us)
      .slice(0, top)
      .map((f) => ({ name: f.name, where: f.where, ms: f.us / 1000, share: f.us / busy })),
    inclusive: [...inclusive.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, top * 2)
      .map((f) => ({ name: f.name, where: f.where, ms: f.us / 1000, share: f.us / busy })),
    packages: [...byPackage.entries()]
      .filter(([name]) => name !== '(idle)')
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, ms: us / 1000, share: us / busy })),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { top: { type: 'string', default: '25' } },
  });
  for (const file of positionals) {
    const s = summarize(JSON.parse(readFileSync(file, 'utf8')) as Profile, Number(values.top));
    const pct = (x: number) => `${(x * 100).toFixed(1).padStart(5)} %`;
    console.log(
      `${file}\n  busy ${(s.totalMs - s.idleMs).toFixed(0)} ms of ${s.totalMs.toFixed(0)} ms sampled\n\n  by package (self time, share of busy time)`,
    );
    for (const p of s.packages) console.log(`  ${pct(p.share)}  ${p.name}`);
    console.log('\n  by function');
    for (const f of s.functions) console.log(`  ${pct(f.share)}  ${f.name}  ${f.where}`);
    console.log('\n  inclusive (the function and all it calls)');
    for (const f of s.inclusive) console.log(`  ${pct(f.share)}  ${f.name}  ${f.where}`);
    console.log('');
  }
}

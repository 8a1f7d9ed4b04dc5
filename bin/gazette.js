#!/usr/bin/env node
// From a checkout, the TypeScript source runs through tsx, so a stale dist/ can never answer for
// it; an image or package that ships only dist/ runs the compiled code.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const source = new URL('../src/cli/main.ts', import.meta.url);
if (existsSync(fileURLToPath(source))) {
  const { register } = await import('tsx/esm/api');
  register();
  await import(source.href);
} else {
  await import(new URL('../dist/cli/main.js', import.meta.url).href);
}

// tsc compiles only the .ts files under src/; every other file there (the MJML and text
// templates, the Redis .lua scripts) is copied to the same place under dist/ (or the folder given
// as the first argument), so compiled code finds its assets beside itself, as the sources do.
import { cpSync } from 'node:fs';

const out = process.argv[2] ?? 'dist';
cpSync('src', out, { recursive: true, filter: (f) => !f.endsWith('.ts') });

// tsc compiles src/templates/*.ts; the .mjml and .txt templates beside them travel as they are.
import { cpSync } from 'node:fs';

cpSync('src/templates', 'dist/templates', { recursive: true, filter: (f) => !f.endsWith('.ts') });

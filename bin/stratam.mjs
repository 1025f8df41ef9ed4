#!/usr/bin/env node
// The `stratam` command: a thin launcher for the bundled CLI.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/cli/stratam.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write('stratam: the CLI is not built yet. Run `npm run build` in the project folder, then try again.\n');
  process.exit(1);
}
await import(entry.href);

// Builds every face of the app. tsc type-checks the whole tree; esbuild
// transpiles the core and tests for plain Node (dist/node), bundles the CLI and
// the Electron host; Vite builds the renderer. Bundling the CLI matters: a
// cold `stratam pause` is a kill switch, and resolving hundreds of module
// files costs more than the SSH handshake.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { build } from 'esbuild';
import { transpile } from './transpile.mjs';

// --out DIR: build into DIR instead of dist. --only electron: just the Electron
// host and its icons, no type check (the Electron boot test builds its own copy).
const flag = (name) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined);
const out = flag('--out') ?? 'dist';
const only = flag('--only');
if (process.argv.includes('--only') && only !== 'electron') {
  console.error('build: --only takes one value: electron');
  process.exit(2);
}
const all = only === undefined;

const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
};

rmSync(out, { recursive: true, force: true });
// --no-typecheck: for quick local iteration only; `npm run build` always checks.
if (all && !process.argv.includes('--no-typecheck')) run(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json', '--noEmit']);
if (all) await transpile(`${out}/node`);

// Packages that find files beside themselves at run time (WASM grammars,
// optional native addons) stay external; everything else is inlined.
const external = ['electron', 'cpu-features', 'web-tree-sitter', 'tree-sitter-bash', '*.node'];

// Each command is its own entry so main.ts can import it by a computed name;
// splitting shares the core between them.
const commandEntries = Object.fromEntries(
  readdirSync('src-main/cli/commands')
    .filter((f) => f.endsWith('.ts'))
    .map((f) => [`commands/${f.slice(0, -3)}`, `src-main/cli/commands/${f}`]),
);
// The audit backlog's scan worker is its own entry beside the bundles (core/audit/scan-pool.ts finds it there).
const scanWorker = { 'scan-worker': 'src-main/core/audit/scan-worker.ts' };
if (all)
  await build({
    entryPoints: { stratam: 'src-main/cli/main.ts', ...commandEntries, ...scanWorker },
    outdir: `${out}/cli`,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external,
    sourcemap: true,
    logLevel: 'warning',
    // ssh2 and dockerode are CommonJS (require, __dirname); give each ESM chunk those.
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; import { fileURLToPath as __fu } from 'node:url'; import { dirname as __dn } from 'node:path'; const require = __cr(import.meta.url); const __filename = __fu(import.meta.url); const __dirname = __dn(__filename);",
    },
  });

if (existsSync('src-main/electron/main.ts')) {
  await build({
    entryPoints: { main: 'src-main/electron/main.ts', preload: 'src-main/electron/preload.ts', ...scanWorker },
    outdir: `${out}/electron`,
    outExtension: { '.js': '.cjs' },
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node22',
    external,
    sourcemap: true,
    logLevel: 'warning',
    // The core is ESM and finds package files with createRequire(import.meta.url);
    // in a CommonJS bundle import.meta is empty, so give it this file's URL.
    define: { 'import.meta.url': '__stratam_import_meta_url' },
    banner: { js: "const __stratam_import_meta_url = require('node:url').pathToFileURL(__filename).href;" },
  });
}

// Tray and app icons: PNGs rendered from the SVG sources in assets/ (see render-icons.mjs).
if (existsSync('assets/tray')) {
  const { renderIcons } = await import('./render-icons.mjs');
  await renderIcons(`${out}/assets`);
}

if (all && existsSync('src-renderer/index.html')) {
  if (out !== 'dist') process.env.STRATAM_RENDERER_OUT ??= resolve(out, 'renderer');
  run(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--config', 'src-renderer/vite.config.ts', '--logLevel', 'warn']);
}

// Transpiles the TypeScript tree file by file (no bundling, no type check) so
// tests and benchmarks run under plain Node. Type checking is tsc's job in
// `npm run build`; keeping the two apart lets several people run tests at once
// into their own output folders without clobbering each other.
import { existsSync, mkdirSync, readdirSync, statSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';

export async function transpile(outdir) {
  const entryPoints = [];
  const walk = (dir) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (p.endsWith('.ts') && !p.endsWith('.d.ts')) entryPoints.push(p);
    }
  };
  for (const top of ['src-main', 'tests', 'bench']) {
    try {
      walk(top);
    } catch {
      /* folder absent */
    }
  }
  await build({ entryPoints, outdir, outbase: '.', format: 'esm', platform: 'node', target: 'node20', sourcemap: 'inline', logLevel: 'warning' });
  // An output folder outside the project (e.g. /tmp/me-dist) cannot see the
  // project's node_modules; link it so bare imports resolve there too.
  const link = join(outdir, 'node_modules');
  if (!resolve(outdir).startsWith(resolve('.') + '/') && !existsSync(link)) {
    mkdirSync(outdir, { recursive: true });
    symlinkSync(resolve('node_modules'), link);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await transpile(process.argv[2] ?? 'dist/node');
}

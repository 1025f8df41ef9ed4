// `npm start`: run the built app in Electron. The electron package fetches its
// binary on first use (node_modules/electron/index.js runs install.js when
// path.txt or dist/ is missing). When that fails (offline, a proxy, a blocked
// mirror) its own error says little; this names the cause and the fix and
// exits non-zero instead.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

if (!existsSync('dist/electron/main.cjs')) {
  console.error('stratam: dist/electron/main.cjs is missing. Run `npm run build` first (`npm start` does it for you).');
  process.exit(1);
}

let electron;
try {
  electron = require('electron'); // the path of the binary, downloading it first if needed
} catch (err) {
  console.error(
    [
      'stratam: the Electron binary is not installed and could not be downloaded.',
      `  cause: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`,
      '  The electron npm package fetches its platform binary (about 100 MB) from GitHub releases on first use;',
      '  this machine could not reach it.',
      '  fix: on a machine with internet access run `npx install-electron --no` (or delete node_modules/electron and `npm install`),',
      '       or set ELECTRON_MIRROR to a reachable mirror, or ELECTRON_OVERRIDE_DIST_PATH to a folder holding an Electron 45 build.',
      '  The CLI (`stratam`) and the browser harness do not need Electron.',
    ].join('\n'),
  );
  process.exit(1);
}
if (typeof electron !== 'string' || !existsSync(electron)) {
  console.error(`stratam: the Electron binary is missing at ${String(electron)}.\n  fix: delete node_modules/electron and run \`npm install\` on a machine with internet access.`);
  process.exit(1);
}

const child = spawn(electron, ['.', ...process.argv.slice(2)], { stdio: 'inherit', env: { ...process.env, ELECTRON_RUN_AS_NODE: '' } });
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
for (const s of ['SIGINT', 'SIGTERM']) process.on(s, () => child.kill(s));

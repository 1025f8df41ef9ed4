// Offline check of electron-builder.yml: electron-builder's own loader and
// schema validation (the same code `electron-builder` runs first), plus the
// things this project requires of it: the targets, asar, the fuses, no native
// rebuild, and icons that the build renders. Packing itself needs the
// Electron binary for each platform, which is downloaded at pack time.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config.js');
const { DebugLogger } = require('builder-util/out/DebugLogger.js');

const config = await getConfig(process.cwd(), 'electron-builder.yml', null);
await validateConfiguration(config, new DebugLogger(false));

const problems = [];
const expect = (ok, what) => ok || problems.push(what);
const targets = (t) => (t ?? []).map((x) => (typeof x === 'string' ? x : x.target));
expect(config.appId === 'us.stratam.tray', 'appId');
expect(config.asar === true, 'asar: true');
expect(JSON.stringify(targets(config.linux?.target)) === '["AppImage","deb"]', 'linux: AppImage + deb');
expect(JSON.stringify(targets(config.mac?.target)) === '["dmg"]', 'mac: dmg');
expect(JSON.stringify(targets(config.win?.target)) === '["nsis"]', 'win: nsis');
const f = config.electronFuses ?? {};
expect(f.runAsNode === false, 'fuse runAsNode off');
expect(f.enableCookieEncryption === true, 'fuse cookie encryption on');
expect(f.enableEmbeddedAsarIntegrityValidation === true && f.onlyLoadAppFromAsar === true, 'fuse asar integrity on');
expect(config.npmRebuild === false, 'npmRebuild: false (no native modules)');
if (process.argv.includes('--built')) {
  for (const icon of [config.linux?.icon, config.mac?.icon, config.win?.icon]) expect(icon && existsSync(icon), `icon ${icon} rendered (run npm run build)`);
  expect(existsSync('dist/electron/main.cjs') && existsSync('dist/electron/preload.cjs'), 'dist/electron bundles');
}
if (problems.length) {
  console.error(`electron-builder.yml: missing ${problems.join(', ')}`);
  process.exit(1);
}
console.log('electron-builder.yml: valid (electron-builder schema) and has the targets, asar, fuses and icons this project requires');

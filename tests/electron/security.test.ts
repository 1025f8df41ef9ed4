/** The host's security rules that are plain functions, checked under Node. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveAppFile } from '../../src-main/electron/app-protocol.js';
import { repoRoot } from '../helpers/repo-root.js';
import { CONTENT_SECURITY_POLICY, isAllowedExternal, isTrustedSender, webPreferences } from '../../src-main/electron/security.js';

test('windows are isolated, sandboxed and without Node', () => {
  const w = webPreferences('/x/preload.cjs');
  assert.equal(w.contextIsolation, true);
  assert.equal(w.sandbox, true);
  assert.equal(w.nodeIntegration, false);
  assert.equal(w.nodeIntegrationInSubFrames, false);
  assert.equal(w.webSecurity, true);
  assert.equal(w.webviewTag, false);
  assert.equal(w.allowRunningInsecureContent, false);
  assert.equal(w.disableBlinkFeatures, 'Auxclick');
  assert.match(CONTENT_SECURITY_POLICY, /default-src 'none'/);
  assert.match(CONTENT_SECURITY_POLICY, /script-src 'self'(;|$)/);
  assert.doesNotMatch(CONTENT_SECURITY_POLICY, /unsafe-(inline|eval)/);
});

test('the literal window preferences equal security.ts webPreferences()', () => {
  const src = readFileSync(join(repoRoot(), 'src-main/electron/secure-window.ts'), 'utf8');
  const body = src.slice(src.indexOf('webPreferences: {'));
  for (const [k, v] of Object.entries(webPreferences('/p'))) {
    if (k === 'preload') continue;
    assert.match(body, new RegExp(`\\b${k}: ${typeof v === 'string' ? `'${v}'` : String(v)},`), k);
  }
});

test('only our own top-level page is a trusted sender', () => {
  assert.equal(isTrustedSender({ url: 'app://stratam/index.html', parent: null }), true);
  assert.equal(isTrustedSender({ url: 'app://stratam/index.html#/droplet/a', parent: null }), true);
  assert.equal(isTrustedSender({ url: 'app://stratam/index.html', parent: {} as never }), false, 'a subframe');
  assert.equal(isTrustedSender({ url: 'app://evil/index.html', parent: null }), false);
  assert.equal(isTrustedSender({ url: 'https://stratam/index.html', parent: null }), false);
  assert.equal(isTrustedSender({ url: 'file:///index.html', parent: null }), false);
  assert.equal(isTrustedSender({ url: 'app://stratam/other.html', parent: null }), false);
  assert.equal(isTrustedSender(null), false);
});

test('external links: https on the allowlist only', () => {
  assert.equal(isAllowedExternal('https://docs.stratam.us/tray'), true);
  assert.equal(isAllowedExternal('http://docs.stratam.us/tray'), false);
  assert.equal(isAllowedExternal('https://docs.stratam.us.evil.com/'), false);
  assert.equal(isAllowedExternal('https://user:pw@github.com/'), false);
  assert.equal(isAllowedExternal('file:///etc/passwd'), false);
  assert.equal(isAllowedExternal('javascript:alert(1)'), false);
  assert.equal(isAllowedExternal('not a url'), false);
});

let root: string;
before(() => {
  root = mkdtempSync(join(tmpdir(), 'stratam-app-'));
  mkdirSync(join(root, 'app', 'assets'), { recursive: true });
  writeFileSync(join(root, 'app', 'index.html'), '<!doctype html>');
  writeFileSync(join(root, 'app', 'assets', 'a.js'), '');
  writeFileSync(join(root, 'secret.txt'), 'no');
  symlinkSync(join(root, 'secret.txt'), join(root, 'app', 'link.txt'));
});
after(() => rmSync(root, { recursive: true, force: true }));

test('app:// serves files inside the renderer folder and nothing outside it', async () => {
  const app = join(root, 'app');
  assert.equal(await resolveAppFile(app, 'app://stratam/index.html'), join(app, 'index.html'));
  assert.equal(await resolveAppFile(app, 'app://stratam/'), join(app, 'index.html'));
  assert.equal(await resolveAppFile(app, 'app://stratam/assets/a.js'), join(app, 'assets', 'a.js'));
  for (const bad of [
    'app://stratam/../secret.txt',
    'app://stratam/%2e%2e/secret.txt',
    'app://stratam/assets/..%2f..%2fsecret.txt',
    'app://stratam/link.txt',
    'app://other/index.html',
    'app://stratam/missing.js',
    'app://stratam/%00',
  ]) {
    assert.equal(await resolveAppFile(app, bad), null, bad);
  }
});

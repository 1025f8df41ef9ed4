import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_PATHS } from '../../../src-main/core/config/profile.js';
import { controlPlane } from '../../../src-main/core/droplet/control-plane.js';
import { type RuleId, checkCommand } from '../../../src-main/core/guard/blocklist.js';
import { controlSet } from '../../../src-main/core/guard/control-targets.js';
import { CONTROL_PLANE, DOCKER_DESTROY, EVERYDAY_CONTROL, INTERPRETERS, ISSUE_13_REPRO_4, STATE_AND_WRAPPERS, UNREADABLE, WIPE_AND_KEYS } from './corpus.js';

/** A droplet laid out away from the defaults: the plane must come from it, not from the contract's defaults. */
const RESOLVED = controlPlane({ ...DEFAULT_PATHS, jarvisHome: '/home/jarvis/.jarvis', jarvisRoot: '/srv/jarvis', agentContainer: 'agent-7', backupsVolume: 'bk-vol' }, '/home/jarvis');

async function expectRule(cmd: string, rule: RuleId, plane = RESOLVED): Promise<void> {
  const v = await checkCommand(cmd, { plane });
  assert.equal(v.allowed, false, `${cmd} should be refused`);
  assert.equal(v.rule, rule, `${cmd}: ${v.reason}`);
  assert.ok(v.reason.length > 0);
}

async function expectAllowed(cmd: string, plane = RESOLVED): Promise<void> {
  const v = await checkCommand(cmd, { plane });
  assert.equal(v.allowed, true, `${cmd} was refused: ${v.rule} ${v.reason}`);
}

test('issue 13 reproduction 4: every command is refused, each by the rule that names it', async () => {
  const expected: RuleId[] = [
    'recursive-delete',
    'recursive-delete',
    'recursive-delete',
    'wipe-root',
    'wipe-root',
    'docker-destroy',
    'docker-destroy',
    'control-plane',
    'control-plane',
    'control-plane',
    'authorized-keys',
    'recursive-delete',
    'docker-destroy',
    'interpreter',
    'interpreter',
    'interpreter',
    'recursive-delete',
    'docker-destroy',
    'interpreter',
    'interpreter',
    'interpreter',
  ];
  assert.equal(ISSUE_13_REPRO_4.length, expected.length);
  for (const [i, cmd] of ISSUE_13_REPRO_4.entries()) {
    const v = await checkCommand(cmd);
    assert.equal(v.allowed, false, cmd);
    assert.equal(v.rule, expected[i], `${cmd}: ${v.reason}`);
  }
});

test('the control-plane sections are refused by a control-plane family rule, not by a parse failure', async () => {
  // A rule that names a danger: none of the "could not read it" rules (finding.ts UNREADABLE) counts here.
  const family = new Set<RuleId>(['control-plane', 'authorized-keys', 'recursive-delete', 'interpreter', 'docker-destroy', 'wipe-root', 'pipe-to-shell', 'find-delete']);
  for (const cmd of [...CONTROL_PLANE, ...DOCKER_DESTROY, ...WIPE_AND_KEYS, ...INTERPRETERS, ...STATE_AND_WRAPPERS]) {
    const v = await checkCommand(cmd);
    assert.equal(v.allowed, false, cmd);
    assert.ok(family.has(v.rule!), `${cmd}: ${v.rule} ${v.reason}`);
  }
  // What cannot be read is refused as such.
  for (const cmd of UNREADABLE) assert.equal((await checkCommand(cmd)).rule, 'non-literal-script', cmd);
  for (const cmd of EVERYDAY_CONTROL) {
    const v = await checkCommand(cmd);
    assert.equal(v.allowed, true, `${cmd}: ${v.rule} ${v.reason}`);
  }
});

test('the default plane: contract paths with the home unknown (~, $HOME, /root and /home/<user> all count)', async () => {
  const def = controlPlane(DEFAULT_PATHS, null);
  for (const cmd of [
    ': > ~/.jarvis/activity.jsonl',
    ': > $HOME/.jarvis/activity.jsonl',
    ': > "${HOME}/.jarvis/activity.jsonl"',
    ': > /root/.jarvis/activity.jsonl',
    ': > /home/ops/.jarvis/activity.jsonl',
    ': > /home/*/.jarvis/activity.jsonl',
  ]) {
    await expectRule(cmd, 'control-plane', def);
  }
  await expectRule('sed -i s/=0/=1/ /opt/jarvis/.env', 'control-plane', def);
  await expectRule('docker rm -f jarvis', 'docker-destroy', def);
  await expectRule('docker volume rm jarvis_backups', 'docker-destroy', def);
  // Without a plane, checkCommand uses the same defaults.
  const v = await checkCommand(': > /root/.jarvis/breaker.json');
  assert.equal(v.rule, 'control-plane');
  assert.match(v.reason, /breaker/);
});

test("a resolved plane: the droplet's own paths, home and names, by every spelling", async () => {
  for (const cmd of [
    ': > /home/jarvis/.jarvis/activity.jsonl',
    ': > ~/.jarvis/activity.jsonl',
    ': > $HOME/.jarvis/activity.jsonl',
    'echo x >> ${HOME}/.jarvis/activity.jsonl.3',
    'sed -i s/=0/=1/ /srv/jarvis/.env',
    'cd /srv/jarvis && sed -i s/=0/=1/ .env',
    'cd /srv && rm -rf jarvis',
    'rm -rf /srv/jarvis/.jarvis_self_history/x',
    'mv /srv/jarvis /tmp/x',
    'rm -f /srv/jarvis/.e*',
    'truncate -s 0 ~/.jarvis/*.jsonl',
    'cd ~ && rm -rf .jarvis',
    'chmod -R 700 /home/jarvis',
    'find /srv/jarvis -name .env -exec sed -i s/0/1/ {} +',
    'tee -a /srv/jarvis/.env < /tmp/x',
    'cp /tmp/x /srv/jarvis/.env',
    'ln -sf /tmp/x ~/.jarvis/vault.json',
    'shred -u /home/jarvis/.jarvis/vault.keys',
    'install /dev/null /home/jarvis/.jarvis/operator_actions.jsonl',
    'dd if=/dev/zero of=/srv/jarvis/.env',
    'rsync -a /tmp/evil/ /srv/jarvis/',
    'touch /home/jarvis/.jarvis/breaker.json',
    'chown nobody /srv/jarvis/.env',
  ])
    await expectRule(cmd, 'control-plane');
  await expectRule('echo k >> /home/jarvis/.ssh/authorized_keys', 'authorized-keys');
  await expectRule('echo k >> ~/.ssh/authorized_keys', 'authorized-keys');
  // The literal home is protected like `~` by the older rules too.
  await expectRule('rm -rf /home/jarvis', 'recursive-delete');
  await expectRule('find /home/jarvis -delete', 'find-delete');
  await expectRule('python3 -c \'open("/srv/jarvis/.env","w").write("X=1")\'', 'interpreter');
  await expectRule('docker rm -f agent-7', 'docker-destroy');
  await expectRule('docker rename agent-7 x', 'docker-destroy');
  await expectRule('docker volume rm bk-vol', 'docker-destroy');
  // Another layout's paths and names are not this droplet's control plane.
  await expectAllowed('sed -i s/=0/=1/ /opt/jarvis/.env');
  await expectAllowed(': > /root/.jarvis/activity.jsonl');
  await expectAllowed('docker rm -f jarvis');
  await expectAllowed('docker volume rm jarvis_backups');
  // Reading stays allowed.
  for (const cmd of ['cat /srv/jarvis/.env', 'tail -f ~/.jarvis/activity.jsonl', 'cp ~/.jarvis/activity.jsonl /tmp/', 'docker logs agent-7', 'docker restart agent-7']) {
    await expectAllowed(cmd);
  }
});

test('folders: a folder entry protects its tree and itself; a folder above a control file counts for moves and recursive deletes', async () => {
  const def = controlPlane(DEFAULT_PATHS, null);
  await expectRule('rm -rf /opt/jarvis/.jarvis_self_history', 'control-plane', def);
  await expectRule('rm -rf /opt/jarvis/.jarvis_self_history/20261128T010203Z-x/tree', 'control-plane', def);
  await expectRule('echo x > /etc/ssh/sshd_config.d/10-evil.conf', 'control-plane', def);
  await expectRule('rm -rf ~/.jarvis', 'control-plane', def);
  await expectRule('mv /opt/jarvis /tmp/x', 'control-plane', def);
  await expectRule('rm -rf /etc/ssh', 'control-plane', def);
  // Not recursive: rm of a folder fails, and nothing of the plane is touched.
  await expectAllowed('rm /opt/jarvis', def);
  // The agent's code folder is not control plane.
  await expectAllowed('rm -rf /opt/jarvis/app/build', def);
  await expectAllowed('sed -i s/a/b/ /opt/jarvis/app/main.py', def);
});

test('relative paths: where the command started is unknown, a cd that may fail keeps both folders', async () => {
  const def = controlPlane(DEFAULT_PATHS, null);
  await expectRule('sed -i s/=0/=1/ .env', 'control-plane', def);
  await expectRule('cd /nowhere; rm -f .env', 'control-plane', def);
  await expectRule('cd /tmp; rm -rf /opt/jarvis/.jarvis_self_history', 'control-plane', def);
  await expectRule('(cd /tmp); : > activity.jsonl', 'control-plane', def);
  // An unknown folder with an unknown name names nothing we can prove.
  await expectAllowed('rm -f "$F"', def);
  await expectAllowed('echo x > "$OUT"', def);
  await expectAllowed('cd /tmp && rm -f activity.jsonl', def);
  await expectAllowed('cd /tmp || exit 1; rm -f activity.jsonl', def);
});

test('docker: removal and prunes are refused, stopping and restarting are not', async () => {
  const def = controlPlane(DEFAULT_PATHS, null);
  for (const cmd of DOCKER_DESTROY) await expectRule(cmd, 'docker-destroy', def);
  for (const cmd of [
    'docker restart jarvis',
    'docker stop jarvis',
    'docker kill jarvis',
    'docker ps',
    'docker volume ls',
    'docker logs jarvis',
    'docker image prune -f',
    'docker compose down',
    'docker rm stratam-sandbox-1',
  ]) {
    await expectAllowed(cmd, def);
  }
});

test('wiping / by other tools and adding a way in', async () => {
  const def = controlPlane(DEFAULT_PATHS, null);
  for (const cmd of [
    'rsync -a --delete /empty/ /',
    'rsync -a --delete /empty/ /usr',
    'rsync -a --delete-after /x/ /etc/',
    'shred -u /etc/passwd',
    'shred /usr/bin/sudo',
    'mv /usr /tmp/x',
    'mv /etc/* /tmp/',
  ]) {
    await expectRule(cmd, 'wipe-root', def);
  }
  for (const cmd of ['cat key.pub >> ~/.ssh/authorized_keys', 'tee -a /root/.ssh/authorized_keys < key.pub', 'cp k /home/bob/.ssh/authorized_keys2', 'ssh-copy-id root@localhost', 'rm -rf ~/.ssh']) {
    await expectRule(cmd, 'authorized-keys', def);
  }
  for (const cmd of ['rsync -av --delete ./dist/ /var/www/html/', 'shred -u /tmp/secret.key', 'mv /tmp/a /tmp/b', 'cat ~/.ssh/authorized_keys']) await expectAllowed(cmd, def);
});

test('verdicts from the control rules name the control file and keep the argv', async () => {
  const v = await checkCommand('sudo sed -i s/=0/=1/ /opt/jarvis/.env');
  assert.equal(v.rule, 'control-plane');
  assert.deepEqual(v.argv, ['sed', '-i', 's/=0/=1/', '/opt/jarvis/.env']);
  assert.match(v.reason, /flags and trust/);
  const r = await checkCommand('echo JARVIS_SELF_MODIFY_ALLOWED=1 >> /opt/jarvis/.env');
  assert.equal(r.rule, 'control-plane');
  assert.deepEqual(r.argv, ['>> /opt/jarvis/.env']);
  // A malformed plane is a refusal, never a pass.
  const bad = await checkCommand('ls', { plane: { entries: null } as never });
  assert.equal(bad.allowed, false);
});

test('the control set is built once per plane content, whatever object carries it (hostExec builds a new plane per call)', () => {
  const a = controlPlane(DEFAULT_PATHS, '/home/jarvis');
  const b = controlPlane(DEFAULT_PATHS, '/home/jarvis');
  assert.notEqual(a, b);
  assert.equal(controlSet(a), controlSet(b));
  assert.notEqual(controlSet(a), controlSet(controlPlane(DEFAULT_PATHS, '/home/other')));
  assert.notEqual(controlSet(a), controlSet(controlPlane({ ...DEFAULT_PATHS, agentContainer: 'agent-2' }, '/home/jarvis')));
});

/**
 * The CLI's first hour (issue 17): each mistake a new user made, with the exit
 * code and the words the message must hold (the cause and the fix). The
 * real CLI; the droplet cases run against the reference droplet.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/run-cli.js';
import { repoRoot } from '../helpers/repo-root.js';
import { startReferenceDroplet, type ReferenceDroplet } from '../helpers/reference-droplet.js';

let ref: ReferenceDroplet;
let state: string;
before(async () => {
  ref = await startReferenceDroplet();
  state = mkdtempSync(join(tmpdir(), 'stratam-first-hour-'));
});
after(async () => {
  await ref?.teardown();
  rmSync(state, { recursive: true, force: true });
});

interface Case {
  mistake: string;
  args: () => string[];
  code: number;
  /** Each must appear in stderr (the message and its hint). */
  words: string[];
}

const typos: Case[] = [
  { mistake: 'a misspelt command', args: () => ['pasue'], code: 2, words: ['Unknown command "pasue"', 'Did you mean `stratam pause`?'] },
  { mistake: 'a misspelt global option', args: () => ['status', '--hots', 'x'], code: 2, words: ['has no option --hots', 'Did you mean --host?'] },
  { mistake: 'a command option missing a letter', args: () => ['audit', 'tail', '--line', '3'], code: 2, words: ['has no option --line', 'Did you mean --lines?', 'stratam audit --help'] },
  { mistake: 'an option meant for the droplet command, before --', args: () => ['exec', 'ls', '--all'], code: 2, words: ['has no option --all', 'put it after `--`'] },
  { mistake: 'a far-off option gets no wild guess', args: () => ['pause', '--zzzzzzzz'], code: 2, words: ['has no option --zzzzzzzz.', 'stratam pause --help'] },
];

for (const c of typos) {
  test(`typo: ${c.mistake} exits ${c.code} with a suggestion`, async () => {
    const r = await runCli(['--state-dir', state, ...c.args()]);
    assert.equal(r.code, c.code, r.stderr);
    for (const w of c.words) assert.ok(r.stderr.includes(w), `"${w}" missing from: ${r.stderr}`);
    if (c.mistake.includes('far-off')) assert.ok(!r.stderr.includes('Did you mean'), r.stderr);
  });
}

test('COMMAND SUBCOMMAND --help prints the usage for every command and subcommand', async () => {
  for (const args of [
    ['profile', 'add', '--help'],
    ['audit', 'tail', '--help'],
    ['breaker', 'rearm', '-h'],
    ['vault', 'rotate', '--help'],
  ]) {
    const r = await runCli(['--state-dir', state, ...args]);
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stdout, new RegExp(`Usage:[\\s\\S]*stratam ${args[0]}`), args.join(' '));
  }
});

test('every option a command parses is named in its usage (the typo check reads options from there)', () => {
  const dir = join(repoRoot(), 'src-main', 'cli', 'commands');
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.ts'))) {
    const src = readFileSync(join(dir, f), 'utf8');
    const parsed = new Set(src.match(/'--[a-z][a-z0-9-]*'/g)?.map((s) => s.slice(1, -1)) ?? []);
    for (const flag of parsed) {
      // The usage text is in the same file: a flag the code compares against must be written there too.
      const mentions = src.split(flag).length - 1;
      assert.ok(mentions >= 2, `${f} parses ${flag} but its usage never names it`);
    }
  }
});

test('profile add of a saved name is refused without --force, and --force replaces it', async () => {
  const add = (...extra: string[]) => runCli(['--state-dir', state, 'profile', 'add', 'prod', ...ref.cliArgs().filter((a, i, all) => a !== '--state-dir' && all[i - 1] !== '--state-dir'), ...extra]);
  assert.equal((await add()).code, 0);
  const again = await add('--container', 'other');
  assert.equal(again.code, 2, again.stderr);
  for (const w of ['already saved', `127.0.0.1:${ref.port}`, 'nothing was changed', '--force']) assert.ok(again.stderr.includes(w), `"${w}" missing: ${again.stderr}`);
  const profiles = JSON.parse(readFileSync(join(state, 'profiles.json'), 'utf8')) as { profiles: Record<string, { paths: { agentContainer: string } }> };
  assert.equal(profiles.profiles.prod!.paths.agentContainer, ref.container, 'the refused add changed nothing');
  const forced = await add('--container', 'other', '--force', '--json');
  assert.equal(forced.code, 0, forced.stderr);
  assert.equal(JSON.parse(forced.stdout).replaced, true);
});

test('profile add stores the identity as an absolute path and warns when no host key is pinned', async () => {
  const rel = await runCli(['--state-dir', state, 'profile', 'add', 'rel', '--host', '127.0.0.1', '--port', String(ref.port), '--user', 'root', '--identity', 'keys/id_test'], { cwd: ref.root });
  assert.equal(rel.code, 0, rel.stderr);
  const saved = JSON.parse(readFileSync(join(state, 'profiles.json'), 'utf8')) as { profiles: Record<string, { identityFile: string }> };
  assert.ok(saved.profiles.rel!.identityFile.startsWith('/'), saved.profiles.rel!.identityFile);
  for (const w of ['no pinned host key', '--fingerprint', 'ssh-keygen -lf']) assert.ok(rel.stderr.includes(w), `"${w}" missing: ${rel.stderr}`);
});

test('an identity file others can read is used, with a warning that names chmod 600', async () => {
  const loose = join(ref.root, 'loose_key');
  copyFileSync(ref.clientKey, loose);
  chmodSync(loose, 0o644);
  const args = ref.cliArgs();
  args[args.indexOf('--identity') + 1] = loose;
  const r = await runCli([...args, 'status']);
  assert.equal(r.code, 0, r.stderr);
  for (const w of ['can be read by others', 'mode 0644', `chmod 600 ${loose}`]) assert.ok(r.stderr.includes(w), `"${w}" missing: ${r.stderr}`);
  const tight = await runCli([...ref.cliArgs(), 'status']);
  assert.ok(!tight.stderr.includes('can be read by others'), tight.stderr);
});

test("--identity='~/...' with a literal tilde is expanded against the home folder", async () => {
  const home = mkdtempSync(join(tmpdir(), 'stratam-home-'));
  try {
    mkdirSync(join(home, '.ssh'), { mode: 0o700 });
    copyFileSync(ref.clientKey, join(home, '.ssh', 'id_ref'));
    chmodSync(join(home, '.ssh', 'id_ref'), 0o600);
    const args = ref.cliArgs().filter((a, i, all) => a !== '--identity' && all[i - 1] !== '--identity');
    const r = await runCli([...args, '--identity=~/.ssh/id_ref', 'status'], { env: { HOME: home } });
    assert.equal(r.code, 0, r.stderr);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});

test('audit tail names a missing activity log and its folder, with --jarvis-home as the fix', async () => {
  const activity = join(ref.home, 'activity.jsonl');
  const away = join(ref.root, 'activity.away');
  renameSync(activity, away);
  try {
    const missingFile = await runCli([...ref.cliArgs(), 'audit', 'tail']);
    assert.equal(missingFile.code, 1, missingFile.stderr);
    for (const w of [`No activity log at ${activity}`, '--jarvis-home']) assert.ok(missingFile.stderr.includes(w), `"${w}" missing: ${missingFile.stderr}`);
    const args = ref.cliArgs();
    args[args.indexOf('--jarvis-home') + 1] = join(ref.root, 'no-such-home');
    const missingFolder = await runCli([...args, 'audit', 'tail', '--follow'], { timeoutMs: 20_000 });
    assert.equal(missingFolder.code, 1, missingFolder.stderr);
    for (const w of ['does not exist on the droplet', '--jarvis-home']) assert.ok(missingFolder.stderr.includes(w), `"${w}" missing: ${missingFolder.stderr}`);
  } finally {
    renameSync(away, activity);
  }
});

test("a droplet whose Docker socket cannot be reached names the docker group and AllowStreamLocalForwarding, not ssh2's bare refusal", async () => {
  const closed = await startReferenceDroplet({ streamLocal: false });
  try {
    for (const args of [
      ['breaker', 'check'],
      ['sandbox', 'check'],
      ['breaker', 'check', '--json'],
    ]) {
      const r = await runCli([...closed.cliArgs(), ...args]);
      assert.equal(r.code, 4, `${args.join(' ')}: ${r.stderr}`);
      for (const w of ['Docker socket /var/run/docker.sock could not be reached over SSH', 'docker group', 'AllowStreamLocalForwarding']) {
        assert.ok(r.stderr.includes(w), `${args.join(' ')}: "${w}" missing: ${r.stderr}`);
      }
      if (args.includes('--json')) {
        const err = (JSON.parse(r.stdout.trim().split('\n').pop()!) as { error: { kind: string; hint: string } }).error;
        assert.equal(err.kind, 'connect');
        assert.match(err.hint, /docker group/);
      }
    }
    const status = await runCli([...closed.cliArgs(), 'status']);
    assert.match(status.stdout + status.stderr, /docker group/, 'status shows the fix beside the agent it could not read');
  } finally {
    await closed.teardown();
  }
});

test('--json: every error is one object with kind, message and hint, a raw system error included', async () => {
  const cases: Array<{ args: string[]; kind: string }> = [
    { args: ['--json', 'pasue'], kind: 'usage' },
    { args: [...ref.cliArgs(), '--json', 'export', '--out', join(ref.root, 'no', 'such', 'folder', 'x.json')], kind: 'failed' },
  ];
  for (const c of cases) {
    const r = await runCli(c.args);
    assert.notEqual(r.code, 0);
    const lines = r.stdout.trim().split('\n').filter(Boolean);
    const err = (JSON.parse(lines[lines.length - 1]!) as { error: Record<string, unknown> }).error;
    assert.equal(err.kind, c.kind, r.stdout);
    assert.equal(typeof err.message, 'string');
    assert.equal(typeof err.hint, 'string', `a hint for ${c.args.slice(-3).join(' ')}: ${r.stdout}`);
  }
});

test(".env the SSH user may not read, and a folder it may not write, each name the cause and the fix (not a bare 'Permission denied' or a disk-space guess)", async () => {
  const ref2 = await startReferenceDroplet({ user: 'stratam-perm' });
  try {
    // Root's file, unreadable to the SSH user.
    execFileSync('chown', ['root:root', ref2.envPath]);
    chmodSync(ref2.envPath, 0o600);
    const unreadable = await runCli([...ref2.cliArgs(), 'pause']);
    assert.notEqual(unreadable.code, 0);
    for (const w of ['stratam-perm may not read', ref2.envPath, 'permission denied', 'chmod 640']) assert.ok(unreadable.stderr.includes(w), `"${w}" missing: ${unreadable.stderr}`);
    // Readable, but the folder is root's: the crash-safe write cannot make its temporary file there.
    chmodSync(ref2.envPath, 0o644);
    execFileSync('chown', ['root:root', ref2.jarvisRoot]);
    chmodSync(ref2.jarvisRoot, 0o755);
    const before = readFileSync(ref2.envPath, 'utf8');
    const unwritable = await runCli([...ref2.cliArgs(), 'pause']);
    assert.notEqual(unwritable.code, 0);
    for (const w of ['may not create files in', ref2.jarvisRoot, 'The original is unchanged']) assert.ok(unwritable.stderr.includes(w), `"${w}" missing: ${unwritable.stderr}`);
    assert.ok(!unwritable.stderr.includes('disk space'), unwritable.stderr);
    assert.equal(readFileSync(ref2.envPath, 'utf8'), before, 'nothing half-written');
    // doctor sees both before a pause trips on them, each with its fix; and a missing code folder, which rollback needs.
    chmodSync(ref2.envPath, 0o600);
    rmSync(ref2.codeDir, { recursive: true, force: true });
    const doctor = await runCli([...ref2.cliArgs(), 'doctor', '--json']);
    const findings = (JSON.parse(doctor.stdout) as { findings: Array<{ level: string; check: string; message: string; hint: string | null }> }).findings;
    const env = findings.filter((f) => f.check === 'env' && f.level === 'fail');
    assert.ok(
      env.some((f) => f.message.includes('may not read') && f.hint?.includes('chmod 640')),
      JSON.stringify(findings),
    );
    assert.ok(
      env.some((f) => f.message.includes('may not create files in') && f.hint?.includes('write access')),
      JSON.stringify(findings),
    );
    assert.ok(
      findings.some((f) => f.check === 'python3' && f.level === 'ok'),
      JSON.stringify(findings),
    );
    assert.ok(
      findings.some((f) => f.check === 'code' && f.level === 'warn' && f.hint?.includes('--agent-code-dir')),
      JSON.stringify(findings),
    );
  } finally {
    await ref2.teardown();
  }
});

test('audit verify on a droplet without python3 exits 1 naming python3 (4 means "could not connect")', async () => {
  // An empty folder as PATH: python3 (like every other tool) is not found; SFTP, which verify also uses, needs none.
  const bin = mkdtempSync(join(tmpdir(), 'stratam-nopy-'));
  const nopy = await startReferenceDroplet({ path: bin });
  try {
    const r = await runCli([...nopy.cliArgs(), 'audit', 'verify']);
    assert.equal(r.code, 1, r.stderr);
    for (const w of ['python3 is not installed', 'apt-get install -y python3-minimal']) assert.ok(r.stderr.includes(w), `"${w}" missing: ${r.stderr}`);
  } finally {
    await nopy.teardown();
    rmSync(bin, { recursive: true, force: true });
  }
});

test(".env owned by another user: root's pause keeps the owner; a non-root SSH user's pause lands and says whose the file is now", async () => {
  // As root (the reference droplet's default user): the owner is given back.
  execFileSync('chown', ['12345:12346', ref.envPath]);
  const asRoot = await runCli([...ref.cliArgs(), 'pause', '--json']);
  assert.equal(asRoot.code, 0, asRoot.stderr);
  assert.equal(JSON.parse(asRoot.stdout).ownerNote, null);
  const st = statSync(ref.envPath);
  assert.deepEqual([st.uid, st.gid], [12345, 12346], 'the owner was kept');
  // As a user who may not give files away: the pause still lands, and the CLI says so with the fix.
  const ref2 = await startReferenceDroplet({ user: 'stratam-owner' });
  try {
    execFileSync('chown', ['root:root', ref2.envPath]);
    chmodSync(ref2.envPath, 0o644);
    const r = await runCli([...ref2.cliArgs(), 'pause']);
    assert.equal(r.code, 0, r.stderr);
    for (const w of ['belonged to uid 0', 'the SSH user stratam-owner', `chown 0:0 ${ref2.envPath}`]) assert.ok(r.stderr.includes(w), `"${w}" missing: ${r.stderr}`);
    assert.match(readFileSync(ref2.envPath, 'utf8'), /^JARVIS_SELF_MODIFY_ALLOWED=0$/m);
    assert.equal(statSync(ref2.envPath).mode & 0o777, 0o644, 'the mode was kept');
  } finally {
    await ref2.teardown();
  }
});

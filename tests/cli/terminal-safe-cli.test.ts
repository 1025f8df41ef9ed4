// Issue 13, reproduction 5: agent text must not reach the operator's terminal raw.
// The real CLI against the reference droplet whose activity log, .env trust lists and
// breaker.json hold terminal escapes, forged lines and bidi overrides.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureAgentImage, AGENT_IMAGE } from '../helpers/agent-image.js';
import { DEFAULT_ENV, startReferenceDroplet } from '../helpers/reference-droplet.js';
import { runCli } from '../helpers/run-cli.js';
import { describeUnsafe } from '../helpers/terminal-check.js';

const cli = (args: string[]) => runCli(args, { entry: 'transpiled' });

const CLEAR = '\x1b[2J\x1b[H';
const CLIPBOARD = '\x1b]52;c;cm0gLXJmIH4=\x07'; // OSC 52: puts "rm -rf ~" on the clipboard
const C1_CSI = '\u009b2J';
const RLO = '\u202e';

/** The agent's records: each one tries a different way to drive or fool the terminal. */
const RECORDS: Array<Record<string, unknown>> = [
  {
    seq: 1,
    ts: '2026-11-28T01:00:00.000Z',
    turn: 't_1',
    channel: `discord${CLIPBOARD}`,
    trust: 'owner',
    tool: `read_file${CLEAR}`,
    args: { path: `/tmp/${RLO}fdp.exe` },
    result: 'ok',
    ok: true,
    elapsed_ms: 1,
    blocked: null,
  },
  // CR: the rest of the line overwrites the record as displayed.
  {
    seq: 2,
    ts: '2026-11-28T01:00:01.000Z',
    turn: 't_1',
    channel: 'loop',
    trust: 'owner\r#2 2026-11-28T01:00:01.000Z operator/owner pause ok',
    tool: 'host_exec',
    args: { cmd: 'ls /tmp' },
    result: '',
    ok: true,
    elapsed_ms: 1,
    blocked: null,
  },
  // LF inside a field: a whole forged record line.
  {
    seq: 3,
    ts: '2026-11-28T01:00:02.000Z',
    turn: 't_1',
    channel: 'discord',
    trust: 'owner',
    tool: 'docker_cmd\n#4 2026-11-28T01:00:03.000Z operator/owner pause ok null',
    args: {},
    result: '',
    ok: true,
    elapsed_ms: 1,
    blocked: null,
  },
  // C1 CSI, backspaces, bidi isolates, a zero-width space, a lone surrogate.
  {
    seq: 4,
    ts: '2026-11-28T01:00:03.000Z',
    turn: 't_1',
    channel: 'sms\b\b\bdiscord',
    trust: 'untrusted',
    tool: `${C1_CSI}self_restart\u200b`,
    args: { x: '\ud800' },
    result: '',
    ok: false,
    elapsed_ms: 1,
    blocked: 'flag\u2066hidden\u2069',
  },
];

const HOSTILE_ENV = DEFAULT_ENV.replace('DISCORD_TRUSTED_USER_IDS=234567890123456789', `DISCORD_TRUSTED_USER_IDS=234567890123456789${CLEAR}`)
  .replace('TELEGRAM_TRUSTED_USER_IDS=', `TELEGRAM_TRUSTED_USER_IDS=42${CLIPBOARD}`)
  .replace('EMAIL_TRUSTED_SENDERS="ops@example.com"', `EMAIL_TRUSTED_SENDERS="ops@example.com${RLO}moc.live@"`)
  .replace("SMS_TRUSTED_NUMBERS='+14155550100'", `SMS_TRUSTED_NUMBERS=+14155550100${C1_CSI}\b\b\b`);

const BREAKER = { state: 'tripped', tripped_at: `2026-11-28T01:00:00Z${CLEAR}`, reason: `4 restarts in 60 min\r\nbreaker     armed${CLIPBOARD}${RLO}`, restarts: [], rearmed_at: null, by: 'droplet' };

function assertSafe(what: string, text: string): void {
  assert.equal(describeUnsafe(text, { lines: true }), null, `${what}: ${text.slice(0, 2000)}`);
}

test('audit tail (human): every record on its own line, escapes shown, none sent; --json gives the exact records', async (t) => {
  const ref = await startReferenceDroplet({ activity: RECORDS.map((r) => `${JSON.stringify(r)}\n`).join('') });
  t.after(() => ref.teardown());
  const g = ref.cliArgs();

  const human = await cli([...g, 'audit', 'tail', '--from-seq', '1']);
  assert.equal(human.code, 0, human.stderr);
  assertSafe('stdout', human.stdout);
  assertSafe('stderr', human.stderr);
  const lines = human.stdout.trimEnd().split('\n');
  assert.deepEqual(
    lines.map((l) => /^#(\d+) /.exec(l)?.[1]),
    ['1', '2', '3', '4'],
    `one line per record, none forged:\n${human.stdout}`,
  );
  assert.ok(lines[0]!.includes('read_file\\x1b[2J\\x1b[H'), lines[0]);
  assert.ok(lines[0]!.includes('discord\\x1b]52;c;cm0gLXJmIH4=\\x07/owner'), lines[0]);
  assert.ok(lines[0]!.includes('\\u202efdp.exe'), lines[0]);
  assert.ok(lines[1]!.includes('owner\\r#2 2026-11-28T01:00:01.000Z operator/owner pause ok'), lines[1]);
  assert.ok(lines[2]!.includes('docker_cmd\\n#4 '), lines[2]);
  assert.ok(lines[3]!.includes('sms\\x08\\x08\\x08discord/untrusted \\x9b2Jself_restart\\u200b BLOCKED(flag\\u2066hidden\\u2069)'), lines[3]);
  assert.ok(lines[3]!.includes('\\ud800'), lines[3]);

  const json = await cli([...g, '--json', 'audit', 'tail', '--from-seq', '1']);
  assert.equal(json.code, 0, json.stderr);
  const got = json.stdout
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as unknown);
  assert.deepEqual(got, RECORDS, 'with --json the values round-trip exactly');
});

test('audit tail (human): a record whose tool is an object with its own toString key is shown, not a crash', async (t) => {
  // String() of {"toString": "x"} throws; the tail used to end there with exit 1.
  const odd = { seq: 1, ts: '2026-11-28T01:00:04.000Z', channel: 'discord', trust: 'owner', tool: { toString: 'x' }, args: {}, ok: true, blocked: null };
  const ref = await startReferenceDroplet({ activity: `${JSON.stringify(odd)}\n` });
  t.after(() => ref.teardown());
  const r = await cli([...ref.cliArgs(), 'audit', 'tail', '--from-seq', '1']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^#1 2026-11-28T01:00:04\.000Z discord\/owner \{"toString":"x"\} ok \{\}$/m);
});

test('trust list, status and breaker status: .env values and the breaker reason escaped in their rows; --json round-trips', async (t) => {
  const ref = await startReferenceDroplet({ env: HOSTILE_ENV });
  t.after(() => ref.teardown());
  writeFileSync(join(ref.home, 'breaker.json'), JSON.stringify(BREAKER), { mode: 0o600 });
  const g = ref.cliArgs();

  const trust = await cli([...g, 'trust', 'list']);
  assert.equal(trust.code, 0, trust.stderr);
  assertSafe('trust list', trust.stdout);
  assert.equal(trust.stdout.trimEnd().split('\n').length, 4, trust.stdout);
  assert.match(trust.stdout, /^discord +owner 123456789012345678; trusted 234567890123456789\\x1b\[2J\\x1b\[H$/m);
  assert.match(trust.stdout, /^telegram +42\\x1b\]52;c;cm0gLXJmIH4=\\x07$/m);
  assert.match(trust.stdout, /^email +ops@example\.com\\u202emoc\.live@$/m);
  assert.match(trust.stdout, /^sms +\+14155550100\\x9b2J\\x08\\x08\\x08$/m);
  const trustJson = await cli([...g, '--json', 'trust', 'list']);
  assert.equal(trustJson.code, 0, trustJson.stderr);
  assertSafe('trust list --json', trustJson.stdout);
  assert.deepEqual(JSON.parse(trustJson.stdout), {
    discord: { owner: '123456789012345678', trusted: [`234567890123456789${CLEAR}`] },
    telegram: [`42${CLIPBOARD}`],
    email: [`ops@example.com${RLO}moc.live@`],
    sms: [`+14155550100${C1_CSI}\b\b\b`],
  });

  const br = await cli([...g, 'breaker', 'status']);
  assert.equal(br.code, 3, br.stderr);
  assertSafe('breaker status', br.stdout);
  assert.ok(br.stdout.includes('4 restarts in 60 min\\r\\nbreaker     armed\\x1b]52;c;cm0gLXJmIH4=\\x07\\u202e'), br.stdout);
  assert.doesNotMatch(br.stdout, /^breaker +armed/m, 'no forged "armed" row');
  const brJson = await cli([...g, '--json', 'breaker', 'status']);
  assertSafe('breaker status --json', brJson.stdout);
  const parsed = JSON.parse(brJson.stdout) as { reason: string; trippedAt: string };
  assert.equal(parsed.reason, BREAKER.reason);
  assert.equal(parsed.trippedAt, BREAKER.tripped_at);

  const st = await cli([...g, 'status']);
  assertSafe('status stdout', st.stdout);
  assertSafe('status stderr', st.stderr);
  assert.ok(st.stdout.includes('TRIPPED 2026-11-28T01:00:00Z\\x1b[2J\\x1b[H 4 restarts in 60 min\\r\\nbreaker'), st.stdout);
  assert.ok(st.stdout.includes('42\\x1b]52;c;cm0gLXJmIH4=\\x07'), st.stdout);
  const stJson = await cli([...g, '--json', 'status']);
  assertSafe('status --json', stJson.stdout);
  const s = JSON.parse(stJson.stdout) as { breaker: { reason: string }; trust: { telegram: string[] } };
  assert.equal(s.breaker.reason, BREAKER.reason);
  assert.deepEqual(s.trust.telegram, [`42${CLIPBOARD}`]);
});

test('errors that echo text are one escaped line on stderr; with --json the error event is safe JSON', async () => {
  const r = await cli(['trust', `frob${CLEAR}\nstratam: forged`]);
  assert.equal(r.code, 2);
  assertSafe('stderr', r.stderr);
  assert.match(r.stderr, /^stratam: Unknown trust subcommand "frob\\x1b\[2J\\x1b\[H\\nstratam: forged"\.$/m);
  assert.doesNotMatch(r.stderr, /^stratam: forged/m);
  const j = await cli(['--json', 'trust', `frob${RLO}`]);
  assertSafe('--json stdout', j.stdout);
  assert.equal((JSON.parse(j.stdout.trim()) as { error: { message: string } }).error.message, `Unknown trust subcommand "frob${RLO}".`);
});

const MAIN = fileURLToPath(new URL('../../src-main/cli/main.js', import.meta.url));
const sh = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Run the CLI with stdout and stderr on a real terminal (util-linux `script` gives it a pty); what the terminal received. */
function onTerminal(args: string[]): Promise<{ code: number | null; text: string }> {
  const line = [process.execPath, MAIN, ...args].map(sh).join(' ');
  const child = spawn('script', ['-qefc', line, '/dev/null'], { env: { ...process.env, NO_COLOR: '1', SSH_AUTH_SOCK: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  child.stdout.on('data', (c: Buffer) => out.push(c));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    // The pty turns every line break into CR LF; that pair is the terminal's, not the command's.
    child.once('close', (code) => resolve({ code, text: Buffer.concat(out).toString('utf8').replace(/\r\n/g, '\n') }));
  });
}

// printf's octal escapes: ESC, BEL, CR, U+202E and U+009B in UTF-8.
const EVIL_PRINTF = "printf 'a\\033[2Jb\\033]52;c;cm0gLXJmIH4=\\007c\\rd\\342\\200\\256e\\302\\233f\\tg\\n'";
const EVIL_BYTES = Buffer.from('a\x1b[2Jb\x1b]52;c;cm0gLXJmIH4=\x07c\rd\u202ee\u009bf\tg\n', 'utf8');
const EVIL_SHOWN = 'a\\x1b[2Jb\\x1b]52;c;cm0gLXJmIH4=\\x07c\\rd\\u202ee\\x9bf\tg\n';

test('exec and sandbox run: the exact bytes into a pipe, escaped on a terminal (stdout and stderr)', async (t) => {
  ensureAgentImage();
  execFileSync('docker', ['tag', AGENT_IMAGE, 'stratam-test/sandbox:1']);
  const ref = await startReferenceDroplet();
  t.after(() => ref.teardown());
  const local = ref.localArgs();

  const piped = await cli([...local, 'exec', '--', EVIL_PRINTF]);
  assert.equal(piped.code, 0, piped.stderr);
  assert.deepEqual(piped.stdoutBytes, EVIL_BYTES, "a pipe gets the command's bytes as they are");

  const term = await onTerminal([...local, 'exec', '--', `${EVIL_PRINTF}; ${EVIL_PRINTF} >&2`]);
  assert.equal(term.code, 0, term.text);
  assert.equal(describeUnsafe(term.text, { lines: true, tabs: true }), null, term.text);
  assert.equal(term.text, EVIL_SHOWN + EVIL_SHOWN);

  const box = await onTerminal([...local, 'sandbox', 'run', '--image', 'stratam-test/sandbox:1', '--timeout', '30', '--', '/bin/sh', '-c', EVIL_PRINTF]);
  assert.equal(box.code, 0, box.text);
  assert.equal(describeUnsafe(box.text, { lines: true, tabs: true }), null, box.text);
  assert.equal(box.text, EVIL_SHOWN);
});

/**
 * Issue 13, point 1, end to end: the real `stratam` against the reference
 * droplet (real sshd, SFTP, files), with Debian's python3-dotenv reading the
 * droplet's .env afterwards as the agent would. Before the one-grammar fix,
 * each of these ended with `pause` answering "done" (or "no change") while
 * python-dotenv still read JARVIS_SELF_MODIFY_ALLOWED=1, or with `trust
 * revoke` editing a line inside a quoted value.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/run-cli.js';
import { startReferenceDroplet, type ReferenceDroplet } from '../helpers/reference-droplet.js';
import { PythonDotenv } from '../helpers/python-dotenv.js';

const F = 'JARVIS_SELF_MODIFY_ALLOWED';
const T = 'DISCORD_TRUSTED_USER_IDS';
const OWNER = 'DISCORD_OWNER_ID=123456789012345678\n';
const ID = '234567890123456789';

let ref: ReferenceDroplet;
let judge: PythonDotenv;
before(async () => {
  ref = await startReferenceDroplet();
  judge = await PythonDotenv.start();
});
after(async () => {
  await judge?.close();
  await ref?.teardown();
});

const cli = (...args: string[]) => runCli([...ref.cliArgs(), ...args]);
const put = (text: string) => writeFileSync(ref.envPath, text, { mode: 0o640 });
const onDisk = () => readFileSync(ref.envPath);
/** What the agent reads now. */
const agentReads = async (key: string) => {
  const a = await judge.readOne(onDisk());
  assert.equal(a.error, null);
  return a.dict!.get(key);
};
const lastReceipt = () => ref.readJsonl('operator_actions.jsonl').at(-1)!;

/** pause must make python-dotenv read 0, or refuse with exit 3 naming `line` and write nothing. */
async function pauseLandsOrRefuses(text: string, refuseAt: number | null): Promise<void> {
  put(text);
  assert.equal(await agentReads(F), '1', 'the reproduction is real: the agent reads 1 before the pause');
  const status = await cli('status', '--json');
  assert.notEqual(JSON.parse(status.stdout).flags.selfModifyAllowed, false, `status must not say paused: ${status.stdout}`);
  const r = await cli('pause', '--json');
  if (refuseAt === null) {
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).changed, true);
    assert.equal(await agentReads(F), '0', 'after pause, python-dotenv reads 0');
    return;
  }
  assert.equal(r.code, 3, `pause must refuse: ${r.stdout} ${r.stderr}`);
  assert.ok(onDisk().equals(Buffer.from(text)), 'a refused pause writes nothing');
  const err = JSON.parse(r.stdout.trim().split('\n').at(-1)!).error;
  assert.equal(err.line, refuseAt);
  assert.ok(err.message.includes(`${ref.envPath} line ${refuseAt}:`), err.message);
  assert.ok(err.hint.length > 0);
  assert.equal(lastReceipt().tool, 'pause');
  assert.equal(lastReceipt().ok, false);
  const human = await cli('pause');
  assert.equal(human.code, 3);
  assert.ok(human.stderr.includes(`line ${refuseAt}`), human.stderr);
  assert.match(human.stderr, /hint: /);
}

test('pause: NOTE=" swallowing a later =0 is refused, naming line 3 (\\n, lone CR and single-quote forms)', async () => {
  await pauseLandsOrRefuses(`${F}=1\nNOTE="\n${F}=0\n"\n`, 3);
  await pauseLandsOrRefuses(`${F}=1\rNOTE="\r${F}=0\r"\r`, 3);
  await pauseLandsOrRefuses(`${F}=1\nNOTE='\n${F}=0\n'\n`, 3);
});

test('pause: export<TAB>KEY=1 after KEY=0 is the binding python-dotenv uses, and pause edits it', async () => {
  await pauseLandsOrRefuses(`${F}=0\nexport\t${F}=1\n`, null);
  assert.equal(onDisk().toString(), `${F}=0\nexport\t${F}=0\n`, 'only the value byte changed');
});

test('pause: a lone CR that hides the last assignment from a \\n-only reader', async () => {
  await pauseLandsOrRefuses(`${F}=0 # paused\r${F}=1\nOPENAI_API_KEY=sk-x\n`, null);
  assert.equal(onDisk().toString(), `${F}=0 # paused\r${F}=0\nOPENAI_API_KEY=sk-x\n`);
});

test('pause: an unclosed quote before the flag is refused; an API key or the flag itself read from the environment is not a reason', async () => {
  await pauseLandsOrRefuses(`A="x\n${F}=1\n`, 1);
  await pauseLandsOrRefuses(`OPENAI_API_KEY=\${OPENAI}\n${F}=1\n`, null);
  // The pause writes the flag as a literal, so where its old value came from no longer matters.
  await pauseLandsOrRefuses(`${F}=\${ON:-1}\n`, null);
});

test('trust revoke: never edits inside a quoted block; refused with the line, or the real entry is edited', async () => {
  const quoted = `${OWNER}${T}=${ID}\nNOTE='\n${T}=345678901234567890\n'\n`;
  put(quoted);
  const r = await cli('trust', 'revoke', 'discord', ID, '--json');
  assert.equal(r.code, 3, r.stdout + r.stderr);
  assert.ok(onDisk().equals(Buffer.from(quoted)), 'nothing written');
  assert.equal(JSON.parse(r.stdout.trim().split('\n').at(-1)!).error.line, 4);
  assert.equal(await judge.readOne(onDisk()).then((a) => a.dict!.get(T)), ID, 'the agent still trusts the id: the refusal is what tells the operator');
  assert.equal(lastReceipt().tool, 'trust_revoke');
  assert.equal(lastReceipt().ok, false);

  // A lone CR: a \n-only reader saw "111" and answered "not trusted, no change".
  const cr = `${OWNER}${T}=111 # old\r${T}=${ID}\n`;
  put(cr);
  const ok = await cli('trust', 'revoke', 'discord', ID, '--json');
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(JSON.parse(ok.stdout).changed, true);
  assert.equal(onDisk().toString(), `${OWNER}${T}=111 # old\r${T}=\n`);
  assert.equal(await agentReads(T), '');

  // A benign multi-line value mentioning the id is content, not an entry.
  const note = `${OWNER}NOTE="ids we trust:\n ${ID}\n"\n${T}=${ID}\n`;
  put(note);
  assert.equal((await cli('trust', 'revoke', 'discord', ID)).code, 0);
  assert.equal(onDisk().toString(), `${OWNER}NOTE="ids we trust:\n ${ID}\n"\n${T}=\n`);
  // trust add on a doubted file is refused too, even when the id looks present already
  put(quoted.replace(`${T}=${ID}\n`, ''));
  const add = await cli('trust', 'add', 'discord', '345678901234567890');
  assert.equal(add.code, 3, add.stderr);
  assert.match(add.stderr, /line 3/);
});

test("the app's own host_exec gate reads .env as the agent does, and refuses a file it doubts", async () => {
  const marker = join(ref.root, 'ran');
  // A \n-only reader saw "1 # on" → 1 here, while the agent reads the last line: paused.
  put(`${F}=1 # on\r${F}=0\n`);
  const paused = await cli('exec', '--', `touch ${marker}`);
  assert.equal(paused.code, 3, paused.stderr);
  assert.match(paused.stderr, /paused/);
  assert.equal(existsSync(marker), false);
  put(`${F}=1\nNOTE="\n${F}=0\n"\n`);
  const doubted = await cli('exec', '--', `touch ${marker}`);
  assert.equal(doubted.code, 3, doubted.stderr);
  assert.match(doubted.stderr, /line 3/);
  assert.equal(existsSync(marker), false);
  assert.equal(lastReceipt().blocked, 'flag');
});

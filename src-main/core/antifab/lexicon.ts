/**
 * The contract's claim-to-tool table ("Tools and the claims they back") as
 * data, and the verbs that make each claim in every form we look for.
 */
export type ClaimKind = 'deploy' | 'restart' | 'fix' | 'run' | 'check' | 'email' | 'message' | 'text' | 'save' | 'delete' | 'schedule';

export type ToolKind = 'destructive' | 'sandbox' | 'read' | 'write' | 'message';

export const TOOL_KINDS: Readonly<Record<string, ToolKind>> = {
  self_modify_code: 'destructive',
  self_restart: 'destructive',
  docker_cmd: 'destructive',
  host_exec: 'destructive',
  run_code: 'sandbox',
  read_file: 'read',
  web_search: 'read',
  browse: 'read',
  read_logs: 'read',
  docker_ps: 'read',
  write_file: 'write',
  memory_write: 'write',
  calendar_create: 'write',
  gmail_send: 'message',
  discord_send: 'message',
  telegram_send: 'message',
  sms_send: 'message',
};

const READ_TOOLS = Object.keys(TOOL_KINDS).filter((t) => TOOL_KINDS[t] === 'read');

export const BACKED_BY: Readonly<Record<ClaimKind, readonly string[]>> = {
  deploy: ['self_modify_code', 'docker_cmd', 'host_exec'],
  restart: ['self_restart', 'docker_cmd', 'host_exec'],
  fix: ['self_modify_code', 'write_file', 'host_exec'],
  run: ['run_code', 'host_exec', 'docker_cmd'],
  check: [...READ_TOOLS, 'host_exec', 'docker_cmd', 'run_code'],
  email: ['gmail_send'],
  message: ['discord_send', 'telegram_send'],
  text: ['sms_send'],
  save: ['write_file', 'memory_write', 'self_modify_code'],
  delete: ['host_exec', 'docker_cmd', 'write_file', 'self_modify_code'],
  schedule: ['calendar_create'],
};

/** Verb forms: B base, P simple past, N past participle, G gerund. */
export interface VerbForm {
  kind: ClaimKind | 'send' | 'add' | 'update' | 'create' | 'put' | 'take' | 'look' | 'roll' | 'clean';
  forms: string; // letters of B P N G
}

const table = new Map<string, VerbForm[]>();

function add(kind: VerbForm['kind'], base: string, past: string, participle: string, gerund: string) {
  const put = (word: string, form: string) => {
    const list = table.get(word) ?? [];
    const same = list.find((v) => v.kind === kind);
    if (same) same.forms += form;
    else list.push({ kind, forms: form });
    table.set(word, list);
  };
  put(base, 'B');
  put(past, 'P');
  put(participle, 'N');
  put(gerund, 'G');
}

/** Regular inflection with the doubling and -e rules English spelling needs. */
function regular(kind: VerbForm['kind'], base: string, double = false) {
  let stem = base;
  let ing = base;
  if (double) {
    stem = base + base[base.length - 1];
    ing = stem;
  } else if (base.endsWith('e')) {
    stem = base.slice(0, -1);
    ing = stem;
  } else if (/[^aeiou]y$/.test(base)) stem = `${base.slice(0, -1)}i`;
  const past = base.endsWith('e') ? `${base}d` : `${stem}ed`;
  add(kind, base, past, past, `${ing}ing`);
}

for (const v of ['deploy', 'push', 'release', 'publish']) regular('deploy', v);
regular('deploy', 'ship', true);
regular('roll', 'roll');
for (const v of ['restart', 'reboot', 'reload', 'bounce', 'redeploy']) regular(v === 'redeploy' ? 'deploy' : 'restart', v);
for (const v of ['fix', 'patch', 'change', 'modify', 'edit', 'refactor', 'implement', 'merge', 'revert', 'upgrade']) regular('fix', v);
regular('fix', 'commit', true);
add('fix', 'rewrite', 'rewrote', 'rewritten', 'rewriting');
regular('update', 'update');
regular('add', 'add');
add('run', 'run', 'ran', 'run', 'running');
add('run', 'rerun', 'reran', 'rerun', 'rerunning');
for (const v of ['execute', 'test', 'compute', 'calculate', 'install', 'benchmark']) regular('run', v);
for (const v of ['check', 'inspect', 'review', 'verify', 'search', 'examine', 'investigate', 'confirm', 'scan', 'browse', 'query', 'analyze', 'analyse', 'audit', 'grep'])
  regular('check', v, v === 'scan');
regular('look', 'look');
regular('check', 'pull');
add('check', 'read', 'read', 'read', 'reading');
add('check', 'find', 'found', 'found', 'finding');
add('check', 'dig', 'dug', 'dug', 'digging');
add('check', 'see', '\0', '\0', '\0');
add('take', 'take', 'took', 'taken', 'taking');
add('take', 'have', 'had', 'had', 'having');
for (const v of ['email', 'mail', 'e-mail']) regular('email', v);
add('send', 'send', 'sent', 'sent', 'sending');
add('send', 'resend', 'resent', 'resent', 'resending');
for (const v of ['message', 'post', 'notify', 'forward']) regular('message', v);
add('message', 'dm', "dm'd", "dm'd", "dm'ing");
regular('message', 'dm', true);
regular('text', 'text');
for (const v of ['save', 'note', 'remember', 'store', 'record', 'jot']) regular('save', v, v === 'jot');
add('save', 'write', 'wrote', 'written', 'writing');
regular('create', 'create');
for (const v of ['delete', 'remove', 'wipe', 'purge', 'erase', 'prune', 'clear']) regular('delete', v);
regular('clean', 'clean');
for (const v of ['schedule', 'book']) regular('schedule', v);
add('put', 'put', 'put', 'put', 'putting');
table.delete('\0');

export const verbForms = (word: string): VerbForm[] | undefined => table.get(word);
export const verbWords = (): IterableIterator<string> => table.keys();

/** Objects that decide what a generic verb (send, add, update, create, put) claims. */
export const EMAIL_WORDS = new Set(['email', 'emails', 'e-mail', 'mail', 'gmail', 'inbox']);
export const TEXT_WORDS = new Set(['text', 'texts', 'sms']);
export const CALENDAR_WORDS = new Set(['calendar', 'event', 'meeting', 'invite', 'appointment', 'reminder']);
export const FILE_WORDS = new Set(['file', 'files', 'note', 'notes', 'memory', 'memories', 'doc', 'docs', 'document', 'readme', 'list', 'journal', 'log']);

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkCommand } from '../../../src-main/core/guard/blocklist.js';
import { expectRules } from './expect-rules.js';

test('cd is followed through its options, pushd/popd, builtin and command', async () => {
  await expectRules([
    ['cd -- / && rm -rf *', 'recursive-delete'],
    ['cd -P / && rm -rf *', 'recursive-delete'],
    ['cd -L / && rm -rf *', 'recursive-delete'],
    ['cd -e / && rm -rf *', 'recursive-delete'],
    ['cd -Pe -- / && rm -rf *', 'recursive-delete'],
    ['builtin cd / && rm -rf *', 'recursive-delete'],
    ['command cd / && rm -rf *', 'recursive-delete'],
    ['pushd / && rm -rf *', 'recursive-delete'],
    ['pushd /tmp && pushd / && popd && rm -rf *', null],
    ['pushd / && pushd /tmp && popd && rm -rf *', 'recursive-delete'],
    ['cd /tmp && cd - && rm -rf *', null],
    ['cd / && cd /tmp && cd - && rm -rf *', 'recursive-delete'],
    ['cd /usr/local && cd ../.. && rm -rf *', 'recursive-delete'],
    ['cd /tmp && rm -rf *', null],
    ['cd /tmp/build && rm -rf ./*', null],
  ]);
});

test('a cd that may not have happened keeps the folder before it', async () => {
  await expectRules([
    ['cd /tmp; cd /; rm -rf *', 'recursive-delete'],
    ['cd /; cd /nowhere; rm -rf *', 'recursive-delete'],
    ['cd / || cd /tmp; rm -rf *', 'recursive-delete'],
    ['cd / && cd /nowhere; rm -rf *', 'recursive-delete'],
    ['cd / && cd /tmp && rm -rf *', null],
    ['(cd / && ls); rm -rf *', null],
    ['x=$(cd / && pwd); rm -rf *', null],
    ['false && cd /tmp; : > .env', 'control-plane'],
    ['if cd /tmp; then :; fi; : > .env', 'control-plane'],
    ['(cd /tmp && :); : > .env', 'control-plane'],
    ['echo $(cd /tmp); : > .env', 'control-plane'],
    ['cd /tmp | cat; : > .env', 'control-plane'],
    ['cd /tmp || exit; : > .env', null],
    ['cd /tmp || { echo no; exit 1; }; : > .env', null],
    ['for d in a b; do cd ..; done; rm -rf *', 'recursive-delete'],
    ['{ cd /tmp; } > .env', 'control-plane'],
  ]);
});

test('aliases defined and used in one script are expanded (and the command as written is checked too)', async () => {
  await expectRules([
    ["alias x='rm -rf'; x /", 'recursive-delete'],
    ["alias x='rm -rf'\nx ~", 'recursive-delete'],
    ["shopt -s expand_aliases; alias nuke='docker volume rm'; nuke jarvis_backups", 'docker-destroy'],
    ["alias go='cd /'; go; rm -rf *", 'recursive-delete'],
    ["alias w='tee -a'; echo 1 | w /opt/jarvis/.env", 'control-plane'],
    ["builtin alias x='rm -rf'; x /", 'recursive-delete'],
    ["alias rm='echo'; rm -rf /", 'recursive-delete'],
    ['alias x="$CMD"; x', 'non-literal-script'],
    ["alias ls='ls -la'; ls /tmp", null],
    ["alias a='b'; alias b='a'; a", null],
  ]);
});

test('variables, loops and functions the script defines are read with every value they may hold', async () => {
  await expectRules([
    ['F=/opt/jarvis/.env; echo 1 >> $F', 'control-plane'],
    ['F=/opt/jarvis/.env; echo 1 >> "${F}"', 'control-plane'],
    ['export F=~/.jarvis/breaker.json; rm -f "$F"', 'control-plane'],
    ['declare -r D=/opt/jarvis; mv "$D" /tmp/x', 'control-plane'],
    ['F=/tmp/x; if test -n "$A"; then F=/opt/jarvis/.env; fi; : > "$F"', 'control-plane'],
    ['F=/tmp/x; false && F=/opt/jarvis/.env; : > "$F"', 'control-plane'],
    ['for f in /tmp/a /opt/jarvis/.env; do : > "$f"; done', 'control-plane'],
    ['X=rm; $X -rf /', 'recursive-delete'],
    ['D=/; rm -rf $D', 'recursive-delete'],
    ['HOME=/; rm -rf ~/usr', 'recursive-delete'],
    ['S="rm -rf /"; sh -c "$S"', 'recursive-delete'],
    ['w() { echo 1 >> "$1"; }; w /opt/jarvis/.env', 'control-plane'],
    ['up() { cd /; }; up; rm -rf *', 'recursive-delete'],
    ['f() { g "$1"; }; g() { : > "$1"; }; f ~/.jarvis/activity.jsonl', 'control-plane'],
    ['F=/opt/jarvis/.env; f() { local F=/tmp/x; }; f; : > $F', 'control-plane'],
    ['w() { echo 1 >> "$@"; }; w /tmp/a /opt/jarvis/.env', 'control-plane'],
    ['set -- /opt/jarvis/.env; : > "$1"', 'control-plane'],
    [': > ${F:-/opt/jarvis/.env}', 'control-plane'],
    [': > "${F:=~/.jarvis/breaker.json}"', 'control-plane'],
    [': > ${F:-/tmp/x}', null],
    ['f() { f; }; f', null],
    ['F=/tmp/out.txt; echo hi > $F', null],
    ['D=/tmp/build; rm -rf "$D"', null],
    ['F=/opt/jarvis/.env; cat "$F"', null],
    ['X=1 rm -f "$X"', null],
  ]);
});

test('more possible values than can be followed is a refusal, not a pass', async () => {
  const items = Array.from({ length: 40 }, (_, i) => `/tmp/f${i}`).join(' ');
  assert.equal((await checkCommand(`for f in ${items}; do : > "$f"; done`)).rule, 'too-deep');
  let cds = '';
  for (let i = 0; i < 20; i++) cds += `cd /tmp/d${i}; `;
  assert.equal((await checkCommand(`${cds}ls`)).rule, 'too-deep');
});

test("words tree-sitter hangs on a redirect are the command's arguments", async () => {
  await expectRules([
    ['rm >/dev/null -rf /', 'recursive-delete'],
    ['rm 2>/dev/null -rf /tmp/x /', 'recursive-delete'],
    ['docker >/dev/null volume rm jarvis_backups', 'docker-destroy'],
    ['echo a >/tmp/x b', null],
  ]);
});

test('commands carried by script -c and ssh are checked as shell', async () => {
  await expectRules([
    ["script -qc 'rm -rf /' /dev/null", 'recursive-delete'],
    ["ssh root@localhost 'echo 1 >> /opt/jarvis/.env'", 'control-plane'],
    ['ssh -p 2222 localhost docker volume rm jarvis_backups', 'docker-destroy'],
    ['ssh host "$CMD"', 'non-literal-script'],
    ['ssh host uptime', null],
  ]);
});

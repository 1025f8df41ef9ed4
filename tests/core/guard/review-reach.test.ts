/**
 * The hand review of the control-plane blocklist, items about how a command
 * reaches a file (1-9: paths, links, option spellings, outputs; 24: the
 * Docker socket; 25: awk's comparisons), one test per item, each with
 * commands that were allowed (or refused wrongly) before its fix and ones that
 * pin what stays as it was (review-state.test.ts has the rest).
 * `expect(cases, true)` checks against a droplet whose home is known
 * (`/home/jarvis`); otherwise the contract defaults (home unknown) apply.
 */
import { test } from 'node:test';
import { DEFAULT_PATHS } from '../../../src-main/core/config/profile.js';
import { controlPlane } from '../../../src-main/core/droplet/control-plane.js';
import { expectRules, type Case } from './expect-rules.js';

const HOMED = controlPlane(DEFAULT_PATHS, '/home/jarvis');

const expect = (cases: Case[], homed = false) => expectRules(cases, homed ? HOMED : undefined);

test('1: a `..` that cannot be resolved keeps the rest of the path', async () => {
  const cases: Case[] = [
    ['rm -f ../jarvis/.jarvis/breaker.json', 'control-plane'],
    ['echo JARVIS_SELF_MODIFY_ALLOWED=1 >> ../../opt/jarvis/.env', 'control-plane'],
    ['rm -f $HOME/../jarvis/.jarvis/breaker.json', 'control-plane'],
    ['echo JARVIS_SELF_MODIFY_ALLOWED=1 >> $PWD/../.env', 'control-plane'],
    ['rm -f ~/../jarvis/.jarvis/vault.keys', 'control-plane'],
    ['rm -rf ../jarvis/.jarvis', 'control-plane'],
    ['rm -rf ../build', null],
    ['echo x > ../out.txt', null],
  ];
  await expect(cases);
  await expect(cases, true);
});

test('2: ~+ is the current folder, ~- the previous one, ~N unknown', async () => {
  await expect([
    ['cd /opt/jarvis && sed -i s/ALLOWED=0/ALLOWED=1/ ~+/.env', 'control-plane'],
    ['cd /; rm -rf ~+/usr', 'recursive-delete'],
    ['cd / && rm -rf ~+', 'recursive-delete'],
    ['cd /opt/jarvis && cd /tmp && rm -f ~-/.env', 'control-plane'],
    ['pushd /opt/jarvis; pushd /tmp; rm -f ~1/.env', 'control-plane'],
    ['cd /tmp && rm -rf ~+/build', null],
  ]);
});

test('3: /proc/<pid>/root is /, /proc/<pid>/cwd an unknown folder', async () => {
  await expect([
    ['echo JARVIS_SELF_MODIFY_ALLOWED=1 >> /proc/self/root/opt/jarvis/.env', 'control-plane'],
    ['rm -rf /proc/1/root/usr', 'recursive-delete'],
    ['rm -rf /proc/self/root/', 'recursive-delete'],
    ['echo 1 >> /proc/self/cwd/.env', 'control-plane'],
    ['cat /proc/self/status', null],
  ]);
});

test('4: cp -s / cp -l / link / mount --bind make links like ln', async () => {
  await expect([
    ['cp -s /opt/jarvis/.env /tmp/e && echo JARVIS_SELF_MODIFY_ALLOWED=1 >> /tmp/e', 'control-plane'],
    ['cp -l ~/.jarvis/breaker.json /tmp/b', 'control-plane'],
    ['cp --symbolic-link /opt/jarvis/.env /tmp/e', 'control-plane'],
    ['cp -rs ~/.jarvis /tmp/j', 'control-plane'],
    ['link /opt/jarvis/.env /tmp/e', 'control-plane'],
    ['mount --bind /opt/jarvis /mnt/j', 'control-plane'],
    ['mount -o bind,ro ~/.jarvis /mnt/j', 'control-plane'],
    ['cp /opt/jarvis/.env /tmp/env.bak', null],
    ['mount /dev/sdb1 /mnt/usb', null],
  ]);
});

test('5: shortened long options and option words with variables', async () => {
  await expect([
    ['cp --target=/opt/jarvis /tmp/x/.env', 'control-plane'],
    ['sed --in s/ALLOWED=0/ALLOWED=1/ /opt/jarvis/.env', 'control-plane'],
    ["sed -n --expr='w /opt/jarvis/.env' /etc/hostname", 'control-plane'],
    ['rm --recur -f /usr', 'recursive-delete'],
    ['cp -t"$HOME/.jarvis" /tmp/breaker.json', 'control-plane'],
    ['cp --target-directory=$HOME/.jarvis /tmp/breaker.json', 'control-plane'],
    ['sed -i"$S" \'s/=0/=1/\' /opt/jarvis/.env', 'control-plane'],
    ['cp -$X ~/.jarvis /tmp/breaker.json', 'control-plane'],
    // a computed word may be an option too
    ['rm "$(echo -rf)" /usr', 'recursive-delete'],
    ['X=$(printf -- -rf); rm "$X" /usr', 'recursive-delete'],
    ['cd / && touch ./-rf && rm *', 'recursive-delete'],
    ['cd ~ && rm -f *', 'recursive-delete'],
    ['sh "$(printf -- -c)" \'rm -rf /usr\'', 'recursive-delete'],
    ['cp --target-directory=/tmp/x a.txt', null],
    ["sed --quiet 's/a/b/p' /opt/jarvis/.env", null],
    ['rm --recursive ./build', null],
    ['rm -f "$file"', null],
    ['f=$(mktemp); rm -f "$f"', null],
  ]);
});

test('6: chmod reads a mode like -w or -rwx as the mode', async () => {
  await expect([
    ['chmod -w ~/.jarvis/operator_actions.jsonl', 'control-plane'],
    ['chmod -R -x /opt/jarvis', 'control-plane'],
    ['chmod -rwx,u+w /opt/jarvis/.env', 'control-plane'],
    ['chmod -R -x /', 'recursive-chmod-root'],
    ['chmod -x ./script.sh', null],
    ['chmod -R -w /tmp/x', null],
  ]);
});

test('7: curl and wget outputs, attached, repeated, shortened or by remote name', async () => {
  await expect([
    ['curl -sSo/opt/jarvis/.env https://x', 'control-plane'],
    ['curl -o /tmp/a https://x/1 -o /opt/jarvis/.env https://x/2', 'control-plane'],
    ['curl --output-d /tmp/x -O https://x/.env', null],
    ['curl --output-d /opt/jarvis -O https://x/.env', 'control-plane'],
    ['wget --output-doc=/opt/jarvis/.env http://x', 'control-plane'],
    ['cd /opt/jarvis && curl -sO https://x/.env', 'control-plane'],
    ['cd ~/.jarvis && wget -q http://x/breaker.json', 'control-plane'],
    ['curl -c ~/.jarvis/vault.json https://x', 'control-plane'],
    ['curl -sSo /tmp/x https://x', null],
    ['cd /tmp && wget https://x/file.tar.gz', null],
  ]);
});

test('8: a tilde after = in an assignment-shaped word is home', async () => {
  await expect([
    ['dd if=/dev/null of=~/.jarvis/activity.jsonl', 'control-plane'],
    ['dd if=/dev/zero of=~/swap.img bs=1M count=1', null],
  ]);
});

test('9: commands that delete or replace their input file', async () => {
  await expect([
    ['gzip ~/.jarvis/breaker.json', 'control-plane'],
    ['xz /opt/jarvis/.env', 'control-plane'],
    ['bzip2 ~/.jarvis/activity.jsonl', 'control-plane'],
    ['zstd --rm ~/.jarvis/vault.json', 'control-plane'],
    ['lz4 --rm ~/.jarvis/vault.keys', 'control-plane'],
    ['gunzip ~/.jarvis/breaker.json.gz', 'control-plane'],
    ['gzip -r ~/.jarvis', 'control-plane'],
    ['tar --remove-files -czf /tmp/b.tgz ~/.jarvis', 'control-plane'],
    ['sort /tmp/x | sponge /opt/jarvis/.env', 'control-plane'],
    ['gzip -c ~/.jarvis/activity.jsonl > /tmp/a.gz', null],
    ['gzip -k /opt/jarvis/.env', null],
    ['zstd ~/.jarvis/activity.jsonl -o /tmp/a.zst', null],
    ['gzip /tmp/x.log', null],
  ]);
});

test('24: the Docker socket: clustered -X, rename, and compose rm', async () => {
  await expect([
    ['curl -sXDELETE --unix-socket /var/run/docker.sock http://d/containers/jarvis?force=1', 'docker-destroy'],
    ["curl --unix-socket /var/run/docker.sock -X POST 'http://d/containers/jarvis/rename?name=x'", 'docker-destroy'],
    ['curl --unix-s /var/run/docker.sock --req DELETE http://d/volumes/jarvis_backups', 'docker-destroy'],
    ['docker compose rm -f', 'docker-destroy'],
    ['docker-compose rm -fs', 'docker-destroy'],
    ['curl --unix-socket /var/run/docker.sock http://d/containers/json', null],
  ]);
});

test('25: awk writes only with print > FILE, not with a comparison', async () => {
  await expect([
    ["awk 'NR>1' ~/.jarvis/activity.jsonl", null],
    ["awk '$4 > 1000' /opt/jarvis/.env", null],
    ["awk '{ if ($2 >= 3) print $1 }' /opt/jarvis/.env", null],
    ["awk '{ print ($1 > 2) }' /opt/jarvis/.env", null],
    ['awk \'{ print > "/opt/jarvis/.env" }\' /tmp/x', 'interpreter'],
    ['awk \'{ printf "%s\\n", $0 >> out }\' out=/tmp/x /opt/jarvis/.env', 'interpreter'],
  ]);
});

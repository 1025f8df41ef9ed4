/**
 * The stand-in agent's image, built once per machine with `docker import` from
 * Debian's busybox-static (no registry is reachable). The agent is a few lines
 * of busybox sh that follow the contract: it re-reads .env before each gated
 * call, appends activity.jsonl records with seq, records blocked: "flag" when
 * paused, and (contract v2) self-modifies its code folder after taking a
 * snapshot of it.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, copyFileSync, chmodSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const AGENT_IMAGE = 'stratam-test/agent:3';

// The flag as the agent reads it before every gated call (the contract), and the
// seq taken under a mkdir lock (atomic everywhere; Debian's busybox has no flock).
const READ_FLAG = `allowed=$(sed -n 's/^[[:space:]]*JARVIS_SELF_MODIFY_ALLOWED[[:space:]]*=[[:space:]]*//p' "$ENV" 2>/dev/null | tail -n 1 | tr -d "\\"' \\r")`;
const TAKE_SEQ = `while ! mkdir "$H/.agent.lock" 2>/dev/null; do sleep 0.01; done
trap 'rmdir "$H/.agent.lock"' EXIT
last=$(cat "$H/.agent_seq" 2>/dev/null || echo 0)
seq=$((last + 1)); echo "$seq" > "$H/.agent_seq"
ts=$(date -u +%Y-%m-%dT%H:%M:%S.000Z)`;

// Usage inside the container: agent-call TOOL ARG [TRUST] [CHANNEL] [TURN]
// ARG must not hold double quotes or backslashes (tests pass plain words).
const AGENT_CALL = `#!/bin/sh
tool="$1"; arg="$2"; trust="\${3:-owner}"; channel="\${4:-discord}"; turn="\${5:-t_test}"
H=/jarvis-home; ENV=/jarvis-root/.env
${READ_FLAG}
blocked=null; ok=true; result="done"
case "$tool" in
  self_modify_code|self_restart|docker_cmd|host_exec)
    if [ "$allowed" != "1" ]; then blocked='"flag"'; ok=false; result="refused: destructive tools are paused"; fi;;
esac
${TAKE_SEQ}
printf '{"seq":%d,"ts":"%s","turn":"%s","channel":"%s","trust":"%s","tool":"%s","args":{"cmd":"%s"},"result":"%s","ok":%s,"elapsed_ms":1,"blocked":%s}\\n' \\
  "$seq" "$ts" "$turn" "$channel" "$trust" "$tool" "$arg" "$result" "$ok" "$blocked" >> "$H/activity.jsonl"
echo "$ok"
`;

// Usage inside the container: agent-self-modify LABEL FILE [TURN] [REASON] < new-content
// The contract's self_modify_code: snapshot the whole code folder (tree/ and
// snapshot.json) first, then write FILE (relative to the code folder), then the
// audit record naming the snapshot. LABEL, FILE and REASON are plain words.
const AGENT_SELF_MODIFY = `#!/bin/sh
label="$1"; file="$2"; turn="\${3:-t_test}"; reason="\${4:-self-improvement}"
H=/jarvis-home; R=/jarvis-root; APP=/jarvis-root/app; ENV=/jarvis-root/.env
${READ_FLAG}
${TAKE_SEQ}
if [ "$allowed" != "1" ]; then
  printf '{"seq":%d,"ts":"%s","turn":"%s","channel":"discord","trust":"owner","tool":"self_modify_code","args":{"label":"%s","files":["%s"]},"result":"refused: destructive tools are paused","ok":false,"elapsed_ms":1,"blocked":"flag"}\\n' \\
    "$seq" "$ts" "$turn" "$label" "$file" >> "$H/activity.jsonl"
  echo false; exit 1
fi
name="$(date -u +%Y%m%dT%H%M%SZ)-$label"
mkdir -p "$R/.jarvis_self_history/$name"
cp -a "$APP" "$R/.jarvis_self_history/$name/tree"
printf '{"created":"%s","label":"%s","turn":"%s","seq":%d,"reason":"%s","files":["%s"]}\\n' \\
  "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$label" "$turn" "$seq" "$reason" "$file" > "$R/.jarvis_self_history/$name/snapshot.json"
cat > "$APP/$file"
printf '{"seq":%d,"ts":"%s","turn":"%s","channel":"discord","trust":"owner","tool":"self_modify_code","args":{"snapshot":"%s","label":"%s","files":["%s"],"reason":"%s"},"result":"applied","ok":true,"elapsed_ms":1,"blocked":null}\\n' \\
  "$seq" "$ts" "$turn" "$name" "$label" "$file" "$reason" >> "$H/activity.jsonl"
echo "$name"
`;

export function ensureAgentImage(): void {
  try {
    execFileSync('docker', ['image', 'inspect', AGENT_IMAGE], { stdio: 'ignore' });
    return;
  } catch {
    /* build it */
  }
  const dir = mkdtempSync(join(tmpdir(), 'stratam-agent-rootfs-'));
  try {
    for (const d of ['bin', 'tmp', 'jarvis-home', 'jarvis-root', 'proc', 'sys', 'dev', 'etc']) mkdirSync(join(dir, d));
    copyFileSync('/bin/busybox', join(dir, 'bin/busybox'));
    chmodSync(join(dir, 'bin/busybox'), 0o755);
    for (const app of [
      'sh',
      'sed',
      'tail',
      'tr',
      'cat',
      'date',
      'echo',
      'mkdir',
      'rmdir',
      'sleep',
      'printf',
      'ls',
      'ip',
      'mount',
      'touch',
      'rm',
      'head',
      'wc',
      'cut',
      'grep',
      'dd',
      'kill',
      'cp',
      'mv',
    ]) {
      symlinkSync('busybox', join(dir, 'bin', app));
    }
    writeFileSync(join(dir, 'bin/agent-call'), AGENT_CALL, { mode: 0o755 });
    writeFileSync(join(dir, 'bin/agent-self-modify'), AGENT_SELF_MODIFY, { mode: 0o755 });
    writeFileSync(join(dir, 'etc/passwd'), 'root:x:0:0:root:/:/bin/sh\n');
    const tar = join(dir, '..', `${dir.split('/').pop()}.tar`);
    execFileSync('tar', ['-C', dir, '-cf', tar, '.']);
    execFileSync('docker', ['import', '--change', 'ENV PATH=/bin', '--change', 'CMD ["/bin/sh"]', tar, AGENT_IMAGE], { stdio: 'ignore' });
    rmSync(tar, { force: true });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

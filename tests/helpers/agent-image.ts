/**
 * The stand-in agent's image, built once per machine with `docker import` from
 * Debian's busybox-static (no registry is reachable). The agent is a few lines
 * of busybox sh that follow the contract: it re-reads .env before each gated
 * call, appends activity.jsonl records with seq, and records blocked: "flag"
 * when paused.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, copyFileSync, chmodSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const AGENT_IMAGE = 'stratam-test/agent:2';

// Usage inside the container: agent-call TOOL ARG [TRUST] [CHANNEL] [TURN]
// ARG must not hold double quotes or backslashes (tests pass plain words).
const AGENT_CALL = `#!/bin/sh
tool="$1"; arg="$2"; trust="\${3:-owner}"; channel="\${4:-discord}"; turn="\${5:-t_test}"
H=/jarvis-home; ENV=/jarvis-root/.env
# Re-read the flag before every gated call, as the contract requires.
allowed=$(sed -n 's/^[[:space:]]*JARVIS_SELF_MODIFY_ALLOWED[[:space:]]*=[[:space:]]*//p' "$ENV" 2>/dev/null | tail -n 1 | tr -d "\\"' \\r")
blocked=null; ok=true; result="done"
case "$tool" in
  self_modify_code|self_restart|docker_cmd|host_exec)
    if [ "$allowed" != "1" ]; then blocked='"flag"'; ok=false; result="refused: destructive tools are paused"; fi;;
esac
# A mkdir lock: atomic everywhere, and Debian's busybox has no flock applet.
while ! mkdir "$H/.agent.lock" 2>/dev/null; do sleep 0.01; done
trap 'rmdir "$H/.agent.lock"' EXIT
last=$(cat "$H/.agent_seq" 2>/dev/null || echo 0)
seq=$((last + 1)); echo "$seq" > "$H/.agent_seq"
ts=$(date -u +%Y-%m-%dT%H:%M:%S.000Z)
printf '{"seq":%d,"ts":"%s","turn":"%s","channel":"%s","trust":"%s","tool":"%s","args":{"cmd":"%s"},"result":"%s","ok":%s,"elapsed_ms":1,"blocked":%s}\\n' \\
  "$seq" "$ts" "$turn" "$channel" "$trust" "$tool" "$arg" "$result" "$ok" "$blocked" >> "$H/activity.jsonl"
echo "$ok"
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
    for (const app of ['sh', 'sed', 'tail', 'tr', 'cat', 'date', 'echo', 'mkdir', 'rmdir', 'sleep', 'printf', 'ls', 'ip', 'mount', 'touch', 'rm', 'head', 'wc', 'cut', 'grep', 'dd', 'kill']) {
      symlinkSync('busybox', join(dir, 'bin', app));
    }
    writeFileSync(join(dir, 'bin/agent-call'), AGENT_CALL, { mode: 0o755 });
    writeFileSync(join(dir, 'etc/passwd'), 'root:x:0:0:root:/:/bin/sh\n');
    const tar = join(dir, '..', `${dir.split('/').pop()}.tar`);
    execFileSync('tar', ['-C', dir, '-cf', tar, '.']);
    execFileSync('docker', ['import', '--change', 'ENV PATH=/bin', '--change', 'CMD ["/bin/sh"]', tar, AGENT_IMAGE], { stdio: 'ignore' });
    rmSync(tar, { force: true });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

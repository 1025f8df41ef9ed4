/**
 * `doctor`'s checks of what breaks later (issue 17): can the SSH user read
 * .env and make a file beside it (every pause writes it crash-safely, by a
 * temporary file and a rename), is python3 there (the control watch, the
 * witness check and the rollback's atomic swap run it), and is the agent's
 * code folder where rollback will look. Each failure carries its one-line fix.
 */
import { readControlFile } from '../droplet/control-file.js';
import type { Droplet } from '../droplet/droplet.js';
import { dirnameOf } from '../droplet/paths.js';
import { describeError, StratamError } from '../errors.js';

export interface AccessFinding {
  level: 'ok' | 'warn' | 'fail';
  check: string;
  message: string;
  hint: string | null;
}

export async function accessChecks(droplet: Droplet): Promise<AccessFinding[]> {
  const out: AccessFinding[] = [];
  const user = droplet.identity.user;
  const env = droplet.paths.envFile;
  const folder = dirnameOf(env);
  try {
    const read = await readControlFile(droplet, env);
    if (read) out.push({ level: 'ok', check: 'env', message: `${user} can read ${env}.`, hint: null });
  } catch (err) {
    out.push({ level: 'fail', check: 'env', message: describeError(err), hint: err instanceof StratamError ? (err.hint ?? null) : null });
  }
  // The user's own permission check, on the droplet: SFTP cannot ask "may I write here?" without trying.
  const writable = await droplet.exec(['test', '-w', folder]);
  if (writable.code === 0) out.push({ level: 'ok', check: 'env', message: `${user} can write in ${folder} (pause replaces .env there crash-safely).`, hint: null });
  else
    out.push({
      level: 'fail',
      check: 'env',
      message: `${user} may not create files in ${folder}, so pause cannot write ${env}.`,
      hint: `Give the SSH user write access to ${folder} (its group and chmod 775, or chown), or log in as the user that owns it.`,
    });
  const py = await droplet.exec(['python3', '-c', 'import sys; print(sys.version.split()[0])']);
  if (py.code === 0) out.push({ level: 'ok', check: 'python3', message: `python3 ${py.stdout.toString().trim()} is installed.`, hint: null });
  else
    out.push({
      level: 'fail',
      check: 'python3',
      message: `python3 ${py.code === 127 ? 'is not installed on the droplet' : `did not run (exit ${py.code ?? py.signal})`}; the control-plane watch, \`audit verify\` and rollback need it.`,
      hint: 'Install it on the droplet: apt-get install python3-minimal',
    });
  const code = await droplet.lstat(droplet.paths.agentCodeDir);
  if (code?.type === 'dir') out.push({ level: 'ok', check: 'code', message: `The agent's code folder ${droplet.paths.agentCodeDir} is there.`, hint: null });
  else
    out.push({
      level: 'warn',
      check: 'code',
      message: `The agent's code folder ${droplet.paths.agentCodeDir} ${code ? 'is not a folder' : 'does not exist'}; rollback has nothing to restore into.`,
      hint: "Point --agent-code-dir (or the profile's agentCodeDir) at the folder the agent's container runs its code from.",
    });
  return out;
}

/**
 * Docker objects the off switch needs (contract v2): the agent container and
 * the backups volume, by the names of the droplet's control plane. Removing
 * or renaming the container, removing the volume, and the prunes that can
 * take either (`docker system prune`, `volume prune`, `container prune`,
 * `compose down -v`) are refused like `rm -rf /`. Stopping, killing and
 * restarting are not: the breaker counts restarts, and a stopped agent is
 * what the operator wants to be able to get. The Docker API reached through
 * the socket (`curl --unix-socket /var/run/docker.sock -X DELETE ...`) counts
 * as the CLI.
 */
import type { ControlSet } from './control-targets.js';
import { type Finding, argvOf } from './finding.js';
import { parseOptions } from './options.js';
import { couldEqual } from './targets.js';
import { commandName } from './unwrap.js';
import type { Word } from './words.js';

const GLOBAL_WITH_ARG = new Set(['-H', '--host', '-c', '--context', '--config', '-l', '--log-level', '--tlscacert', '--tlscert', '--tlskey']);
const COMPOSE_WITH_ARG = new Set(['-f', '--file', '-p', '--project-name', '--project-directory', '--env-file', '--profile', '--ansi', '--progress', '--parallel']);

export function dockerFinding(argv: Word[], control: ControlSet): Finding | null {
  const name = commandName(argv[0]);
  if (name === 'curl') return dockerSocket(argv);
  if (name === 'docker-compose') return compose(argv, 1);
  if (name !== 'docker' && name !== 'podman') return null;
  let i = skipOptions(argv, 1, GLOBAL_WITH_ARG);
  const sub = argv[i]?.literal ?? null;
  const refuse = (what: string): Finding => ({ rule: 'docker-destroy', reason: `docker ${what}: the off switch needs the agent container and the backups volume`, argv: argvOf(argv) });
  if (argv[i] && sub === null) return refuse('with a subcommand that is not a literal word');
  i++;
  const obj = argv[i]?.literal ?? null;
  switch (sub) {
    case 'rm':
      return containers(argv.slice(i), control, 'rm', refuse);
    case 'rename':
      return containers(argv.slice(i, i + 1), control, 'rename', refuse);
    case 'compose':
      return compose(argv, i);
    case 'system':
      return obj === 'prune' ? refuse('system prune removes stopped containers and, with --volumes, volumes') : null;
    case 'container':
      if (obj === 'rm' || obj === 'remove') return containers(argv.slice(i + 1), control, 'container rm', refuse);
      if (obj === 'rename') return containers(argv.slice(i + 1, i + 2), control, 'container rename', refuse);
      if (obj === 'prune') return refuse('container prune removes stopped containers (the agent, when stopped)');
      return argv[i] && obj === null ? refuse('container with a subcommand that is not a literal word') : null;
    case 'volume':
      if (obj === 'rm' || obj === 'remove') return volumes(argv.slice(i + 1), control, refuse);
      if (obj === 'prune') return refuse('volume prune removes unused volumes (the backups volume)');
      return argv[i] && obj === null ? refuse('volume with a subcommand that is not a literal word') : null;
    default:
      return null;
  }
}

function skipOptions(argv: Word[], from: number, withArg: ReadonlySet<string>): number {
  let i = from;
  while (i < argv.length) {
    const w = argv[i]!.literal;
    if (w === null || !w.startsWith('-')) return i;
    i += withArg.has(w) ? 2 : 1;
  }
  return i;
}

/**
 * A container operand that could be the agent: its name (docker also takes
 * `/name`), an unknown word (`$(docker ps -aq)`), or a hex id prefix, which
 * may be the agent's own id.
 */
function containers(words: Word[], control: ControlSet, what: string, refuse: (w: string) => Finding): Finding | null {
  for (const w of parseOptions(words).operands) {
    for (const v of w.values) {
      const bare = v.replace(/^\/+/, '');
      const named = control.containers.find((c) => couldEqual(bare, c));
      if (named) return refuse(`${what} ${w.literal ?? w.text} removes the agent container ${named}`);
      if (/^[0-9a-f]{4,64}$/.test(bare) && /[0-9]/.test(bare)) return refuse(`${what} ${bare}: a container id that may be the agent's (name other containers by name)`);
    }
  }
  return null;
}

function volumes(words: Word[], control: ControlSet, refuse: (w: string) => Finding): Finding | null {
  for (const w of parseOptions(words).operands) {
    const named = control.volumes.find((vol) => w.values.some((v) => couldEqual(v, vol)));
    if (named) return refuse(`volume rm ${w.literal ?? w.text} removes the backups volume ${named}`);
  }
  return null;
}

/** `docker compose ... down -v`: removes the project's named volumes (the backups volume among them). */
function compose(argv: Word[], from: number): Finding | null {
  const i = skipOptions(argv, from, COMPOSE_WITH_ARG);
  if (argv[i]?.literal !== 'down') return null;
  const p = parseOptions(argv.slice(i + 1), { long: ['rmi', 'timeout'], short: 't' });
  if (!p.opts.has('v') && !p.opts.has('volumes') && !p.maybeOptions) return null;
  return { rule: 'docker-destroy', reason: 'compose down -v removes the volumes of the project (the backups volume)', argv: argvOf(argv) };
}

/** The Engine API through the socket: a DELETE, or any prune. */
function dockerSocket(argv: Word[]): Finding | null {
  const words = argv.map((w) => w.value);
  const socket = words.some((w, i) => (w === '--unix-socket' && /docker\.sock/.test(words[i + 1] ?? '')) || /^--unix-socket=.*docker\.sock/.test(w));
  if (!socket) return null;
  const del = words.some((w, i) => ((w === '-X' || w === '--request') && /^delete$/i.test(words[i + 1] ?? '')) || /^(-XDELETE|--request=DELETE)$/i.test(w));
  const prune = words.some((w) => /\/prune\b/.test(w));
  if (!del && !prune) return null;
  return { rule: 'docker-destroy', reason: 'a DELETE or prune sent to the Docker socket (removes containers or volumes)', argv: argvOf(argv) };
}

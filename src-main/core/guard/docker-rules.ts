/**
 * Docker objects the off switch needs (contract v2): the agent container and
 * the backups volume, by the names of the droplet's control plane. Removing
 * or renaming the container, removing the volume, and the prunes that can
 * take either (`docker system prune`, `volume prune`, `container prune`,
 * `compose down -v`) are refused like `rm -rf /`. Stopping, killing and
 * restarting are not: the breaker counts restarts, and a stopped agent is
 * what the operator wants to be able to get. `compose rm` removes stopped
 * service containers (the agent, when stopped). The Docker API reached
 * through the socket (`curl --unix-socket /var/run/docker.sock -X DELETE
 * ...`, a prune, a rename) counts as the CLI.
 */
import type { ControlSet } from './control-targets.js';
import { type Finding, argvOf } from './finding.js';
import { curlArgs } from './fetch-effects.js';
import { optArg, optionsEnd, parseOptions } from './options.js';
import { couldEqual } from './targets.js';
import { commandName } from './unwrap.js';
import { type Word, hasMarker } from './words.js';

const GLOBAL = { short: 'Hcl', long: ['host', 'context', 'config', 'log-level', 'tlscacert', 'tlscert', 'tlskey'] };
const COMPOSE = { short: 'fp', long: ['file', 'project-name', 'project-directory', 'env-file', 'profile', 'ansi', 'progress', 'parallel'] };

export function dockerFinding(argv: Word[], control: ControlSet): Finding | null {
  const name = commandName(argv[0]);
  if (name === 'curl') return dockerSocket(argv, control);
  if (name === 'docker-compose' || name === 'podman-compose') return compose(argv, 1);
  if (name !== 'docker' && name !== 'podman') return null;
  let i = optionsEnd(argv, 1, GLOBAL);
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

/** `docker compose ... down -v` removes the project's named volumes (the backups volume among them); `compose rm` its stopped containers. */
function compose(argv: Word[], from: number): Finding | null {
  const i = optionsEnd(argv, from, COMPOSE);
  if (argv[i]?.literal === 'rm') {
    return { rule: 'docker-destroy', reason: 'compose rm removes the stopped containers of the project (the agent, when stopped)', argv: argvOf(argv) };
  }
  if (argv[i]?.literal !== 'down') return null;
  const p = parseOptions(argv.slice(i + 1), { long: ['rmi', 'timeout'], short: 't' });
  if (!p.opts.has('v') && !p.opts.has('volumes') && !p.maybeOptions) return null;
  return { rule: 'docker-destroy', reason: 'compose down -v removes the volumes of the project (the backups volume)', argv: argvOf(argv) };
}

/**
 * The Engine API through the socket: a DELETE (any object), any prune, and a
 * rename of a container that could be the agent. A socket path we cannot
 * read may be the Docker socket.
 */
function dockerSocket(argv: Word[], control: ControlSet): Finding | null {
  const { p, urls } = curlArgs(argv.slice(1));
  const socket = optArg(p, 'unix-socket', 'abstract-unix-socket');
  if (!socket || !socket.values.some((v) => /docker\.sock/.test(v) || hasMarker(v))) return null;
  const method = optArg(p, 'X', 'request');
  const del = p.maybeOptions || (method !== null && method.values.some((v) => hasMarker(v) || /^delete$/i.test(v)));
  const paths = urls.flatMap((u) => u.values).map((v) => v.replace(/^[a-z]+:\/\/[^/]*/i, '').replace(/[?#].*$/s, ''));
  const prune = paths.some((v) => /\/prune\b/.test(v));
  const renamed = paths.some((v) => {
    const m = /\/containers\/([^/]+)\/rename$/.exec(v);
    return m !== null && (hasMarker(m[1]!) || control.containers.some((c) => couldEqual(m[1]!.replace(/^\/+/, ''), c)) || /^[0-9a-f]{4,64}$/.test(m[1]!));
  });
  if (!del && !prune && !renamed) return null;
  const reason = 'a DELETE, prune or rename of the agent sent to the Docker socket (removes containers or volumes)';
  return { rule: 'docker-destroy', reason, argv: argvOf(argv) };
}

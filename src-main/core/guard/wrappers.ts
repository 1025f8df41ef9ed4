/**
 * Commands that run another command given on their own command line, and
 * how to find it: their options (POSIX order: the first operand starts the
 * command), operands before it (`chroot DIR`, `timeout 5`, `taskset MASK`,
 * `gosu USER`), options that change the folder it runs in (`env -C`, `sudo
 * -D`, `nsenter --wd`), options whose argument is a file the wrapper itself
 * writes (`strace -o`), and options that mean there is no command at all
 * (`taskset -p PID`). unwrap.ts strips them; wrappers with more to them
 * (env, xargs, su, ssh, sh -c ...) are read there.
 */
import type { OptSpec } from './options.js';

export interface WrapperSpec {
  opts: OptSpec;
  /** Operands before the command. */
  skip?: number;
  /** Options whose argument is the folder the command runs in (no argument: a folder we cannot know). */
  chdir?: string[];
  /** Options after which the command runs in a folder we cannot know (a login shell's home). */
  lostDir?: string[];
  /** Options whose argument is a file the wrapper writes. */
  writes?: string[];
  /** Options that mean the wrapper runs no command. */
  noCommand?: string[];
  /** `NAME=value` words may come before the command. */
  assignments?: boolean;
}

const SUDO_LONG = ['user', 'group', 'prompt', 'close-from', 'chdir', 'role', 'type', 'other-user', 'host', 'chroot', 'command-timeout'];
const SUDO_FLAGS = [
  'askpass',
  'background',
  'bell',
  'edit',
  'set-home',
  'help',
  'login',
  'remove-timestamp',
  'reset-timestamp',
  'list',
  'non-interactive',
  'preserve-groups',
  'stdin',
  'shell',
  'validate',
  'version',
];

export const WRAPPERS: Readonly<Record<string, WrapperSpec>> = {
  sudo: {
    opts: { short: 'ugpCDrtTURh', long: SUDO_LONG, longOptional: ['preserve-env'], flags: SUDO_FLAGS },
    chdir: ['D', 'chdir'],
    lostDir: ['i', 'login'],
    assignments: true,
  },
  doas: { opts: { short: 'uC' }, noCommand: ['C'], assignments: true },
  run0: {
    opts: { short: 'ugD', long: ['user', 'group', 'nice', 'chdir', 'setenv', 'unit', 'property', 'description', 'slice', 'machine', 'background'] },
    chdir: ['D', 'chdir'],
  },
  command: { opts: {} },
  builtin: { opts: {} },
  nohup: { opts: {} },
  catchsegv: { opts: {} },
  valgrind: { opts: {} },
  firejail: { opts: {} },
  unbuffer: { opts: {} },
  time: { opts: { short: 'of', long: ['output', 'format'], flags: ['append', 'verbose', 'portability', 'quiet'] }, writes: ['o', 'output'] },
  exec: { opts: { short: 'a' } },
  nice: { opts: { short: 'n', long: ['adjustment'], numeric: true } },
  ionice: { opts: { short: 'cnpPu', long: ['class', 'classdata', 'pid', 'pgid', 'uid'] }, noCommand: ['p', 'pid', 'P', 'pgid', 'u', 'uid'] },
  setsid: { opts: { flags: ['ctty', 'fork', 'wait'] } },
  stdbuf: { opts: { short: 'ioe', long: ['input', 'output', 'error'] } },
  chroot: { opts: { long: ['userspec', 'groups'], flags: ['skip-chdir'] }, skip: 1 },
  timeout: { opts: { short: 'ks', long: ['kill-after', 'signal'], flags: ['preserve-status', 'foreground', 'verbose'] }, skip: 1 },
  taskset: { opts: { flags: ['all-tasks', 'cpu-list', 'pid'] }, skip: 1, noCommand: ['p', 'pid'] },
  strace: {
    opts: { short: 'abeEIoOpPsSuUX', long: ['output', 'trace', 'signal', 'attach', 'user', 'env', 'columns', 'string-limit', 'summary-sort-by', 'trace-path'] },
    writes: ['o', 'output'],
  },
  ltrace: { opts: { short: 'aADeFlnopsuwx', long: ['output', 'library', 'indent', 'align'] }, writes: ['o', 'output'] },
  nsenter: {
    opts: {
      short: 'tSG',
      attachedOptional: 'mupinUCTrw',
      long: ['target', 'setuid', 'setgid'],
      longOptional: ['mount', 'uts', 'ipc', 'net', 'pid', 'user', 'cgroup', 'time', 'root', 'wd'],
      flags: ['all', 'no-fork', 'preserve-credentials', 'follow-context', 'user-parent', 'keep-caps', 'env'],
    },
    chdir: ['w', 'wd'],
  },
  unshare: {
    opts: {
      short: 'SGRw',
      attachedOptional: 'muinpUCT',
      long: ['setuid', 'setgid', 'root', 'wd', 'map-user', 'map-group', 'map-users', 'map-groups', 'propagation', 'setgroups', 'monotonic', 'boottime'],
      longOptional: ['mount', 'uts', 'ipc', 'net', 'pid', 'user', 'cgroup', 'time', 'kill-child', 'mount-proc', 'mount-binfmt'],
      flags: ['fork', 'map-root-user', 'map-current-user', 'map-auto', 'keep-caps'],
    },
    chdir: ['w', 'wd'],
  },
  setpriv: {
    opts: {
      long: [
        'reuid',
        'regid',
        'ruid',
        'euid',
        'rgid',
        'egid',
        'groups',
        'inh-caps',
        'ambient-caps',
        'bounding-set',
        'securebits',
        'pdeathsig',
        'selinux-label',
        'apparmor-profile',
        'landlock-access',
        'landlock-rule',
        'seccomp-filter',
      ],
      flags: ['clear-groups', 'keep-groups', 'init-groups', 'nnp', 'no-new-privs', 'reset-env', 'dump', 'list-caps'],
    },
    noCommand: ['d', 'dump', 'list-caps'],
  },
  gosu: { opts: {}, skip: 1 },
  'su-exec': { opts: {}, skip: 1 },
  prlimit: {
    opts: {
      short: 'po',
      attachedOptional: 'cdefilmnqrstuvxy',
      long: ['pid', 'output'],
      longOptional: ['core', 'data', 'fsize', 'nice', 'nofile', 'as', 'rss', 'rtprio', 'rttime', 'sigpending', 'stack', 'cpu', 'nproc', 'memlock', 'locks', 'msgqueue'],
    },
  },
  chrt: {
    opts: { short: 'TPD', long: ['sched-runtime', 'sched-period', 'sched-deadline'], flags: ['all-tasks', 'max', 'pid', 'verbose'] },
    skip: 1,
    noCommand: ['p', 'pid', 'm', 'max'],
  },
  numactl: {
    opts: { short: 'imNCpPw', long: ['interleave', 'membind', 'cpunodebind', 'physcpubind', 'preferred', 'preferred-many', 'weighted-interleave'] },
    noCommand: ['s', 'show', 'H', 'hardware'],
  },
  fakeroot: { opts: { short: 'lsi', long: ['lib', 'faked'] }, writes: ['s'] },
  pkexec: { opts: { long: ['user'], flags: ['disable-internal-agent', 'keep-cwd'] } },
  cgexec: { opts: { short: 'g', flags: ['sticky'] } },
  chpst: { opts: { short: 'uUbe/nlLmdofcprt' } },
  proxychains: { opts: { short: 'f' } },
  proxychains4: { opts: { short: 'f' } },
  torsocks: { opts: { short: 'uapP', long: ['user', 'pass', 'address', 'port'], flags: ['isolate', 'shell', 'quiet', 'debug'] } },
  faketime: { opts: { short: 'p' }, skip: 1 },
};

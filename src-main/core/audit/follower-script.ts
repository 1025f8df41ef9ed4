/**
 * The remote follower: one small Python 3 program the app runs on the droplet
 * over one exec channel. It follows the audit log (and, with --receipts, the
 * operator receipts) by name across rotation and streams raw bytes in frames
 * that carry the file identity (inode) and byte offset, so the client can
 * resume exactly where it stopped after a dropped connection.
 *
 * Why Python and not `tail -F`: tail gives no offsets or inode, and its
 * rotation notice goes to stderr, unordered with the data, so a resume point
 * cannot be known. Python 3 is on every stock Ubuntu/Debian droplet (cloud-init
 * needs it); the program uses only the standard library and reaches inotify
 * through ctypes (falls back to 20 ms polling where that fails).
 *
 * Why it never outlives its channel: while idle it writes a heartbeat frame
 * every 0.5 s; once the channel or the connection is gone, sshd has closed
 * the pipe and the write raises BrokenPipeError, which ends it (so does a
 * changed parent pid). Stdin cannot serve as the watchdog because the exec
 * helper sends EOF on stdin right after starting a command.
 *
 * Frames on stdout, each a text header line, then payload bytes:
 *   D <stream> <inode> <offset> <len>\n<len bytes>   file bytes at that offset
 *   T <stream> <inode>\n                              file shrank: restart at 0
 *   L <stream> <inode>\n                              resume file gone: read all retained
 *   Z\n                                               all caught up (`once`: exiting; `follow`: once, then live)
 *   H\n                                               heartbeat while idle (liveness probe)
 *   N <stream> <index> <type>\n                       file <index> of the stream (0 = the live
 *                                                    file, 1..5 = rotated) is not a regular file
 *                                                    (symlink, fifo, socket, char, block, dir,
 *                                                    other); it is not opened or read. `file` or
 *                                                    `absent`: a file reported so is no longer
 * Starts (one per stream): r:<inode>:<offset>[:<start>:<end>:<sha256>] resume
 * (the optional anchor names the last line read before offset, so a reused
 * inode is not mistaken for the file), a = every retained file oldest first,
 * l:<n> = last n lines, e = end of the current file.
 *
 * Rotation: the follower never opens a name it computed earlier. It opens
 * every retained file at once (`snapshot`, re-checked until no rename slipped
 * in between) and from then on reads by handle.
 *
 * Links (contract v2: control-plane files are regular files, never followed):
 * every open is O_NOFOLLOW|O_NONBLOCK after an lstat, and the descriptor is
 * fstat-ed, so a symlink is refused by the kernel, a FIFO cannot block the
 * follower, and nothing but a regular file is ever read. What was found
 * instead is reported once per file and type (`N`), and so is its return to
 * a regular file (or its removal), so each episode is one report. Identities use
 * lstat, so a link's own inode never passes for the file it points to.
 */
import { ROTATIONS } from '../droplet/paths.js';
import { quoteArgv } from '../droplet/shell-quote.js';

export { ROTATIONS };

export const FOLLOWER_PY = String.raw`
import os, sys, select, time, hashlib, errno, stat as ST
CH = 1 << 20
ROT = ${ROTATIONS}
BUF = bytearray(CH)
VIEW = memoryview(BUF)
PREADV = hasattr(os, "preadv")  # Python >= 3.7
def out(*parts):
    # One writev: a frame header and its payload leave in one write, without a copy.
    n = os.writev(1, parts)
    if n == sum(len(p) for p in parts): return
    rest = memoryview(b"".join(parts))[n:]
    while rest:
        rest = rest[os.write(1, rest):]
def readat(fd, off):
    # Into one buffer reused for every read: no 1 MiB allocation per read (the live tail reads a line at a time).
    return VIEW[:os.preadv(fd, [BUF], off)] if PREADV else os.pread(fd, CH, off)
def ino_of(p):
    try:
        return os.lstat(p).st_ino
    except OSError:
        return 0
NOTREG = {}
KINDS = ((ST.S_ISLNK, b"symlink"), (ST.S_ISFIFO, b"fifo"), (ST.S_ISSOCK, b"socket"), (ST.S_ISCHR, b"char"), (ST.S_ISBLK, b"block"), (ST.S_ISDIR, b"dir"))
def kind_of(m):
    return next((k for test, k in KINDS if test(m)), b"other")
def cleared(tag, now):
    # A file reported as not regular is a regular file again (or gone): say so, so a new episode is a new report.
    if NOTREG.pop(tag, None) is not None: out(b"N ", tag[0], b" %d " % tag[1], now, b"\n")
def opn(p, tag):
    # tag = (stream, index). Only a regular file is opened: never through a link (O_NOFOLLOW), never
    # blocking on a FIFO (O_NONBLOCK), and the descriptor is checked (fstat) for what was really opened.
    try:
        m = os.lstat(p).st_mode
        if ST.S_ISREG(m):
            fd = os.open(p, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
            m = os.fstat(fd).st_mode
            if ST.S_ISREG(m):
                cleared(tag, b"file")
                return fd
            os.close(fd)
    except OSError as e:
        if e.errno == errno.ELOOP: m = ST.S_IFLNK  # a link swapped in between the lstat and the open
        else:
            if e.errno == errno.ENOENT: cleared(tag, b"absent")
            return -1
    k = kind_of(m)
    if NOTREG.get(tag) != k:
        NOTREG[tag] = k
        out(b"N ", tag[0], b" %d " % tag[1], k, b"\n")
    return -1
def snapshot(path, name):
    # Every retained file opened at once, oldest first, as (fd, inode). The
    # agent renames under us, so names are only trusted when every one still
    # points at the inode we opened after all are open: then there was an
    # instant where the whole set was exactly this. From here on we read by
    # handle, so later rotations cannot shift what we read.
    names = [(path + "." + str(i), i) for i in range(ROT, 0, -1)] + [(path, 0)]
    for attempt in range(2000):
        snap = []
        for n, i in names:
            fd = opn(n, (name, i))
            snap.append((n, fd, os.fstat(fd).st_ino if fd >= 0 else ino_of(n)))
        if all(ino_of(n) == ino for n, fd, ino in snap) or attempt == 1999:
            return [(fd, ino) for n, fd, ino in snap if fd >= 0]
        for n, fd, ino in snap:
            if fd >= 0: os.close(fd)
        if attempt > 8: time.sleep(0.001)
def closeall(fds):
    for fd, ino in fds: os.close(fd)
def same(fd, off, a):
    # Is this the file the client was reading? An inode number alone is not
    # proof: once a file is deleted its inode goes to the next new file. A
    # resume offset is always a line start, and the client names the bytes of
    # the last line it read there (start, end, sha256).
    if off > 0 and os.pread(fd, 1, off - 1) != b"\n": return False
    if len(a) < 3: return True
    pos, end, h = int(a[0]), int(a[1]), hashlib.sha256()
    while pos < end:
        b = os.pread(fd, min(CH, end - pos), pos)
        if not b: return False
        h.update(b); pos += len(b)
    return h.hexdigest() == a[2]
class S:
    def __init__(s, name, path, start):
        s.name = name.encode(); s.path = path; s.q = []; s.fd = -1; s.ino = 0; s.off = 0
        kind = start.split(":")
        if kind[0] == "r":
            want, off = int(kind[1]), int(kind[2])
            snap = snapshot(path, s.name)
            i = next((j for j, (fd, ino) in enumerate(snap) if ino == want), -1)
            if i >= 0 and not same(snap[i][0], off, kind[3:]): i = -1
            if i >= 0:
                closeall(snap[:i])
                s.q = [(snap[i][0], off)] + [(fd, 0) for fd, ino in snap[i + 1:]]
            else:
                out(b"L ", s.name, b" %d\n" % want)
                s.q = [(fd, 0) for fd, ino in snap]
        elif kind[0] == "a":
            s.q = [(fd, 0) for fd, ino in snapshot(path, s.name)]
        else:
            fd = opn(path, (s.name, 0))
            if fd >= 0: s.q = [(fd, s.last_lines(fd, int(kind[1])) if kind[0] == "l" else os.fstat(fd).st_size)]
        s.next()
    def last_lines(s, fd, n):
        # The n-th last complete line starts right after the (n+1)-th last newline.
        pos = os.fstat(fd).st_size; seen = 0
        while pos > 0:
            k = min(65536, pos); pos -= k
            buf = os.pread(fd, k, pos); j = len(buf)
            while True:
                j = buf.rfind(b"\n", 0, j)
                if j < 0: break
                seen += 1
                if seen > n: return pos + j + 1
        return 0
    def next(s):
        if s.fd >= 0: os.close(s.fd)
        s.fd = -1
        if s.q:
            s.fd, s.off = s.q.pop(0)
            s.ino = os.fstat(s.fd).st_ino
    def pump(s):
        moved = False
        while True:
            if s.fd < 0:
                fd = opn(s.path, (s.name, 0))
                if fd < 0: return moved
                s.q = [(fd, 0)]; s.next()
            b = readat(s.fd, s.off)
            if b:
                out(b"D ", s.name, b" %d %d %d\n" % (s.ino, s.off, len(b)), b)
                s.off += len(b); moved = True
                continue
            if s.q:
                s.next(); continue
            if os.fstat(s.fd).st_size < s.off:
                out(b"T ", s.name, b" %d\n" % s.ino); s.off = 0; continue
            if ino_of(s.path) != s.ino:
                if os.pread(s.fd, 1, s.off): continue
                # Rotated, maybe several times: open every retained file now and
                # take the ones newer than ours, oldest first (we hold our fd, so
                # our inode cannot have been reused). Ours gone (shifted past
                # .ROT, or the file was deleted): all are newer, or the client
                # skips by seq what it already has (the L frame).
                snap = snapshot(s.path, s.name)
                i = next((j for j, (fd, ino) in enumerate(snap) if ino == s.ino), -1)
                closeall(snap[:i + 1])
                newer = snap[i + 1:]
                if not newer: return moved  # renamed away, no successor yet: keep our fd and wait
                if i < 0: out(b"L ", s.name, b" %d\n" % s.ino)
                s.q = [(fd, 0) for fd, ino in newer]
                s.next(); moved = True
                continue
            return moved
def inotify(dirs):
    try:
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        fd = libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
        if fd < 0: return -1
        for d in dirs:
            # Writes (MODIFY) and renames, creations, deletions in the folder (rotation).
            if libc.inotify_add_watch(fd, d.encode(), 0x2 | 0x40 | 0x80 | 0x100 | 0x200) < 0:
                os.close(fd); return -1
        return fd
    except Exception:
        return -1
def follow(mode, specs):
    streams = [S(specs[i], specs[i + 1], specs[i + 2]) for i in range(0, len(specs), 3)]
    ifd = inotify(sorted(set(os.path.dirname(s.path) or "." for s in streams))) if mode == "follow" else -1
    parent = os.getppid(); beat = time.monotonic(); first = True
    while True:
        for s in streams: s.pump()
        if mode == "once":
            out(b"Z\n"); return
        if first:
            out(b"Z\n"); first = False
        now = time.monotonic()
        if now - beat >= 0.5:
            if os.getppid() != parent: return
            out(b"H\n"); beat = now
        r = select.select([ifd] if ifd >= 0 else [], [], [], 0.5 if ifd >= 0 else 0.02)[0]
        if ifd in r:
            # One read takes every queued event (more than fit wake select again): no
            # second read ending in an exception on the live tail's path.
            try:
                os.read(ifd, 65536)
            except BlockingIOError:
                pass
def fetch(path, want, off, limit):
    names = [path] + [path + "." + str(i) for i in range(1, ROT + 1)]
    found = [n for n in names if ino_of(n) == want]
    if not found:
        sys.stderr.write("no retained file has inode %d\n" % want); sys.exit(3)
    try:
        fd = os.open(found[0], os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        m = os.fstat(fd).st_mode
    except OSError as e:
        if e.errno != errno.ELOOP: raise
        m = ST.S_IFLNK
    if not ST.S_ISREG(m):
        sys.stderr.write("not-regular %s\n" % kind_of(m).decode()); sys.exit(4)
    sent = 0
    while sent < limit:
        b = os.pread(fd, min(CH, limit - sent), off + sent)
        if not b: break
        j = b.find(b"\n")
        if j >= 0:
            out(b[:j]); return
        out(b); sent += len(b)
try:
    if sys.argv[1] == "fetch":
        fetch(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]))
    else:
        follow(sys.argv[1], sys.argv[2:])
except (BrokenPipeError, KeyboardInterrupt):
    pass
os._exit(0)
`;

export interface StreamSpec {
  /** Short stream id carried in frames (`a` activity, `r` receipts). */
  name: string;
  path: string;
  start: StartSpec;
}

/** The last line read before the resume offset: bytes [start, end) of the file, and their sha256. */
export interface ResumeAnchor {
  start: number;
  end: number;
  sha256: string;
}

export type StartSpec = { kind: 'resume'; inode: number; offset: number; anchor?: ResumeAnchor } | { kind: 'all' } | { kind: 'last'; lines: number } | { kind: 'end' };

function startArg(s: StartSpec): string {
  switch (s.kind) {
    case 'resume':
      return `r:${s.inode}:${s.offset}${s.anchor ? `:${s.anchor.start}:${s.anchor.end}:${s.anchor.sha256}` : ''}`;
    case 'all':
      return 'a';
    case 'last':
      return `l:${s.lines}`;
    default:
      return 'e';
  }
}

/** A marker every follower's command line carries, so tests and operators can count them (pgrep -f). */
export const FOLLOWER_MARK = 'stratam-audit-follower';

export function followerArgv(mode: 'follow' | 'once', streams: readonly StreamSpec[]): string[] {
  const specs = streams.flatMap((s) => [s.name, s.path, startArg(s.start)]);
  return ['python3', '-c', `#${FOLLOWER_MARK}\n${FOLLOWER_PY}`, mode, ...specs];
}

export function fetchArgv(path: string, inode: number, offset: number, limit: number): string[] {
  return ['python3', '-c', `#${FOLLOWER_MARK}\n${FOLLOWER_PY}`, 'fetch', path, String(inode), String(offset), String(limit)];
}

export const followerCommand = (mode: 'follow' | 'once', streams: readonly StreamSpec[]) => quoteArgv(followerArgv(mode, streams));

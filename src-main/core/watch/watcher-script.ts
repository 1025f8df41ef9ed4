/**
 * The droplet side of the control-plane watch: one small Python 3 program
 * (standard library only, like the audit follower) run over one exec channel.
 * It watches the folders that hold the control-plane files with inotify and
 * says which entries changed, with every path's own lstat (never followed), so
 * the app re-reads only what changed. Python 3 is already a requirement of the
 * audit follower; `inotifywait` is not installed on a stock droplet.
 *
 * Why the folders and not the files: every legitimate writer (the app, sed -i,
 * editors) replaces a file by rename, which a watch on the file itself never
 * sees. A rename onto an entry reports the name it came from (`via`), so the
 * app can tell its own temp files (`.NAME.stratam-*.tmp`, then a receipt
 * follows) from anything else, which is alerted at once.
 *
 * Belt and braces: every second every entry is lstat'ed again and compared
 * with what was last reported, so a missed event (a folder created after the
 * start, an overflowed queue, a filesystem without inotify) costs at most a
 * second. Without inotify at all it polls every 100 ms.
 *
 * Lines on stdout, each one JSON object (`t` says which):
 *   {"t":"ready","inotify":true,"st":{id: stat|null, ...}}   watches are in place
 *   {"t":"change","hits":{"env":".env.stratam-1a2b.tmp"|null,...},"st":{id: stat|null, ...}}
 *      hits: the entries that changed, each with the name a rename onto it came from
 *   {"t":"beat"}                                              every 0.5 s while idle
 * stat = {"type":"file|dir|symlink|fifo|socket|char|block|other","ino":n,"size":n,"mtime":ns,"mode":n}
 *
 * It never outlives its channel: the heartbeat write fails with a broken
 * pipe once sshd has closed it (and a changed parent pid ends it too).
 */

export const WATCHER_MARK = 'stratam-control-watch';

export const WATCHER_PY = String.raw`
import os, sys, json, select, stat, struct, time
def st_of(p):
    try:
        s = os.lstat(p)
    except OSError:
        return None
    m = s.st_mode
    t = "file" if stat.S_ISREG(m) else "dir" if stat.S_ISDIR(m) else "symlink" if stat.S_ISLNK(m) else "fifo" if stat.S_ISFIFO(m) else "socket" if stat.S_ISSOCK(m) else "char" if stat.S_ISCHR(m) else "block" if stat.S_ISBLK(m) else "other"
    # Microseconds: nanoseconds since 1970 do not fit a JSON number exactly.
    return {"type": t, "ino": s.st_ino, "size": s.st_size, "mtime": s.st_mtime_ns // 1000, "mode": stat.S_IMODE(m)}
def out(o):
    b = (json.dumps(o, separators=(",", ":")) + "\n").encode()
    while b:
        b = b[os.write(1, b):]
args = sys.argv[1:]
entries = [(args[i], args[i + 1], args[i + 2]) for i in range(0, len(args), 3)]
last = {e[0]: st_of(e[1]) for e in entries}
# (folder, name) -> entry ids; a folder entry also answers for anything inside it.
by_name = {}
inside = {}
for eid, path, kind in entries:
    by_name.setdefault((os.path.dirname(path), os.path.basename(path)), []).append(eid)
    if kind == "dir": inside.setdefault(path, []).append(eid)
folders = sorted(set(k[0] for k in by_name) | set(inside))
MASK = 0x2 | 0x4 | 0x8 | 0x40 | 0x80 | 0x100 | 0x200 | 0x400 | 0x800
libc = None; ifd = -1; wds = {}
try:
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    ifd = libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
except Exception:
    ifd = -1
def add_watches():
    # Folders that appear later (or come back after a rename) are watched from then on.
    have = set(wds.values())
    for d in folders:
        if d in have or ifd < 0: continue
        wd = libc.inotify_add_watch(ifd, d.encode(), MASK)
        if wd >= 0: wds[wd] = d
def report(hits):
    # One line per batch, with every entry's stat: a rotation (a rename out of one
    # name into the next) is judged with both sides already known.
    for eid, path, kind in entries: last[eid] = st_of(path)
    out({"t": "change", "hits": hits, "st": last})
def rescan():
    hits = {}
    for eid, path, kind in entries:
        if st_of(path) != last[eid]: hits[eid] = None
    if hits: report(hits)
add_watches()
out({"t": "ready", "inotify": ifd >= 0, "st": last})
parent = os.getppid(); beat = time.monotonic(); scan = beat
moved_from = {}
try:
    while True:
        r = select.select([ifd] if ifd >= 0 else [], [], [], 0.5 if ifd >= 0 else 0.1)[0]
        if ifd in r:
            try:
                buf = os.read(ifd, 65536)
            except BlockingIOError:
                buf = b""
            hit = {}
            i = 0
            while i + 16 <= len(buf):
                wd, mask, cookie, ln = struct.unpack_from("iIII", buf, i)
                name = buf[i + 16:i + 16 + ln].split(b"\0", 1)[0].decode("utf-8", "surrogateescape")
                i += 16 + ln
                d = wds.get(wd)
                if mask & 0x4000:  # queue overflow: look at everything
                    for e in entries: hit.setdefault(e[0], None)
                    continue
                if d is None: continue
                if mask & (0x400 | 0x800 | 0x8000):  # the folder itself went away or moved
                    del wds[wd]
                    for e in entries: hit.setdefault(e[0], None)
                    continue
                if mask & 0x40: moved_from[cookie] = name
                for eid in by_name.get((d, name), []):
                    via = moved_from.pop(cookie, None) if mask & 0x80 else None
                    if via is not None or eid not in hit: hit[eid] = via
                for eid in inside.get(d, []):
                    hit.setdefault(eid, None)
            if len(moved_from) > 256: moved_from.clear()
            if hit: report(hit)
        now = time.monotonic()
        if ifd < 0 or now - scan >= 1.0:
            add_watches(); rescan(); scan = now
        if now - beat >= 0.5:
            if os.getppid() != parent: break
            out({"t": "beat"}); beat = now
except (BrokenPipeError, KeyboardInterrupt):
    pass
os._exit(0)
`;

export interface WatchedPath {
  id: string;
  path: string;
  kind: 'file' | 'dir';
}

export function watcherArgv(paths: readonly WatchedPath[]): string[] {
  return ['python3', '-c', `#${WATCHER_MARK}\n${WATCHER_PY}`, ...paths.flatMap((p) => [p.id, p.path, p.kind])];
}

export interface RemoteStat {
  type: 'file' | 'dir' | 'symlink' | 'fifo' | 'socket' | 'char' | 'block' | 'other';
  ino: number;
  size: number;
  mtime: number;
  mode: number;
}

export type WatcherLine =
  { t: 'ready'; inotify: boolean; st: Record<string, RemoteStat | null> } | { t: 'change'; hits: Record<string, string | null>; st: Record<string, RemoteStat | null> } | { t: 'beat' };

/**
 * The droplet side of a rollback: one constant Python 3 program (standard
 * library only, like the audit follower and the control-plane watch), run as
 * `python3 -c TREE_OPS_PY <op> <json>` through droplet.exec argv. Never a
 * shell string, and nothing from input is ever part of the program text.
 *
 * Why Python and not `cp -a` / `mv` / `rm -rf`: the agent can write anything
 * under jarvisRoot at any moment, including a link put in place of a folder
 * between two of our commands. A path-based tool follows such a link (`cp -a
 * tree staging` copies INTO a linked `staging`, wherever it points). Here every
 * folder below the anchor the operator configured (jarvisRoot, or the parent
 * of an agentCodeDir outside it) is opened with O_NOFOLLOW|O_DIRECTORY and
 * every later step works relative to those descriptors, so a link swapped in
 * is refused (ELOOP), never followed, and a folder renamed away mid-copy
 * cannot redirect the writes. The one atomic step is renameat2: EXCHANGE
 * swaps the staged tree with agentCodeDir in a single rename, so a crash at
 * any instant leaves one complete tree there; NOREPLACE puts a snapshot into
 * place without ever replacing one.
 *
 * Ops (argv[1]) and their JSON argument (argv[2]); an anchor is [base, rel]:
 *   probe     {parent}                      renameat2 EXCHANGE works there (two empty temp folders)
 *   snapshot  {hist, code, against, partialPrefix, suffix, meta}
 *             copy agentCodeDir (links kept as links, devices/FIFOs skipped) into
 *             a fresh hidden partial folder with snapshot.json, then rename it to
 *             <droplet UTC time><suffix> (NOREPLACE; waits for the next second on a clash)
 *   stage     {parent, tree, prefix}       copy a snapshot tree (a link or device anywhere
 *             refuses) into a fresh hidden folder beside agentCodeDir
 *   swap      {parent, code, staging, ino} exchange (or, agentCodeDir absent, rename) the
 *             staged folder into agentCodeDir, then check the folder there is ours
 *   remove    {parent, name}               remove one entry, never following a link
 *   hash      {tree}                       the whole-tree hash (tests, verification)
 * Every op that creates a hidden folder first removes leftovers of an earlier,
 * interrupted run (same prefix) unless another live run holds them (flock).
 *
 * Output: one JSON line. Exit 3 with {"error", "refused": true} when the
 * droplet's state forbids the op (a link, a changed folder); exit 1 with
 * {"error"} on any other failure.
 *
 * Whole-tree hash: sha256 over the sorted lines `path NUL type NUL mode(octal)
 * NUL digest LF`, path `.` for the root, digest the sha256 of a file's bytes,
 * a link's target, empty for folders.
 */

export const TREE_OPS_MARK = 'stratam-rollback-helper';

export const TREE_OPS_PY = String.raw`# stratam-rollback-helper
import ctypes, errno, fcntl, hashlib, json, os, stat, sys, time
class Refuse(Exception): pass
DIR = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
EXCHANGE, NOREPLACE = 2, 1
ROOT = os.geteuid() == 0
def opendir(anchor):
    fd = os.open(anchor[0], os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    for part in [p for p in anchor[1].split("/") if p]:
        if part in (".", ".."): raise Refuse("path part %r is not allowed" % part)
        try:
            nfd = os.open(part, DIR, dir_fd=fd)
        except OSError as e:
            os.close(fd)
            if e.errno in (errno.ELOOP, errno.ENOTDIR): raise Refuse("%s/%s: %r is not a real folder (a link or a file)" % (anchor[0], anchor[1], part))
            raise
        os.close(fd)
        fd = nfd
    return fd
def kind(m):
    return "file" if stat.S_ISREG(m) else "dir" if stat.S_ISDIR(m) else "symlink" if stat.S_ISLNK(m) else "other"
libc = ctypes.CDLL(None, use_errno=True)
def rename2(fd1, n1, fd2, n2, flags):
    a, b = os.fsencode(n1), os.fsencode(n2)
    f = getattr(libc, "renameat2", None)
    if f is not None:
        r = f(fd1, a, fd2, b, ctypes.c_uint(flags))
    else:
        nr = {"x86_64": 316, "aarch64": 276, "armv7l": 382, "i686": 353}.get(os.uname().machine)
        if nr is None: raise OSError(errno.ENOSYS, "renameat2 is not available")
        r = libc.syscall(nr, fd1, a, fd2, b, flags)
    if r != 0:
        e = ctypes.get_errno()
        raise OSError(e, os.strerror(e), n1)
def finish(fd, st):
    if ROOT: os.fchown(fd, st.st_uid, st.st_gid)
    os.fchmod(fd, stat.S_IMODE(st.st_mode))
    os.utime(fd, ns=(st.st_atime_ns, st.st_mtime_ns))
def open_file(name, dfd):
    fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC, dir_fd=dfd)
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise Refuse("%s changed into something other than a file while it was read" % name)
    return fd
def copy_tree(sfd, dfd, links, out, rel=""):
    for n in sorted(os.listdir(sfd)):
        p = rel + n
        st = os.stat(n, dir_fd=sfd, follow_symlinks=False)
        k = kind(st.st_mode)
        out["entries"] += 1
        if k == "dir":
            os.mkdir(n, 0o700, dir_fd=dfd)
            c = os.open(n, DIR, dir_fd=sfd)
            try:
                d = os.open(n, DIR, dir_fd=dfd)
                try:
                    copy_tree(c, d, links, out, p + "/")
                    finish(d, os.fstat(c))
                finally: os.close(d)
            finally: os.close(c)
        elif k == "file":
            s = open_file(n, sfd)
            try:
                d = os.open(n, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600, dir_fd=dfd)
                try:
                    while True:
                        b = os.read(s, 1 << 20)
                        if not b: break
                        while b: b = b[os.write(d, b):]
                    finish(d, os.fstat(s))
                    os.fsync(d)
                finally: os.close(d)
            finally: os.close(s)
        elif links == "refuse":
            raise Refuse("%s in the snapshot is %s, not a file or folder" % (p, "a symbolic link" if k == "symlink" else "a device, FIFO or socket"))
        elif k == "symlink":
            os.symlink(os.readlink(n, dir_fd=sfd), n, dir_fd=dfd)
            if ROOT: os.chown(n, st.st_uid, st.st_gid, dir_fd=dfd, follow_symlinks=False)
        else:
            out["skipped"].append(p)
def entries(fd, rel="", acc=None):
    if acc is None:
        acc = {".": ("dir", stat.S_IMODE(os.fstat(fd).st_mode), "")}
    for n in os.listdir(fd):
        p = rel + n
        st = os.stat(n, dir_fd=fd, follow_symlinks=False)
        k = kind(st.st_mode)
        dg = ""
        if k == "file":
            s = open_file(n, fd)
            h = hashlib.sha256()
            try:
                while True:
                    b = os.read(s, 1 << 20)
                    if not b: break
                    h.update(b)
            finally: os.close(s)
            dg = h.hexdigest()
        elif k == "symlink":
            dg = os.readlink(n, dir_fd=fd)
        acc[p] = (k, stat.S_IMODE(st.st_mode), dg)
        if k == "dir":
            c = os.open(n, DIR, dir_fd=fd)
            try: entries(c, p + "/", acc)
            finally: os.close(c)
    return acc
def tree_hash(acc):
    h = hashlib.sha256()
    for p in sorted(acc, key=lambda x: os.fsencode(x)):
        k, m, dg = acc[p]
        h.update(os.fsencode("%s\0%s\0%o\0%s\n" % (p, k, m, dg)))
    return h.hexdigest()
def rm_tree(dfd):
    n = 0
    for name in os.listdir(dfd):
        n += rm_entry(dfd, name)
    return n
def rm_entry(pfd, name):
    st = os.stat(name, dir_fd=pfd, follow_symlinks=False)
    if not stat.S_ISDIR(st.st_mode):
        os.unlink(name, dir_fd=pfd)
        return 1
    c = os.open(name, DIR, dir_fd=pfd)
    try:
        os.fchmod(c, 0o700)
        n = rm_tree(c)
    finally: os.close(c)
    os.rmdir(name, dir_fd=pfd)
    return n + 1
def leftovers(pfd, prefix):
    gone = []
    for name in sorted(os.listdir(pfd)):
        if not name.startswith(prefix): continue
        try:
            c = os.open(name, DIR, dir_fd=pfd)
        except OSError as e:
            if e.errno not in (errno.ELOOP, errno.ENOTDIR): raise
            os.unlink(name, dir_fd=pfd)
            gone.append(name)
            continue
        try:
            try:
                fcntl.flock(c, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue
            rm_entry(pfd, name)
            gone.append(name)
        finally: os.close(c)
    return gone
def fresh(pfd, prefix):
    name = prefix + os.urandom(6).hex()
    os.mkdir(name, 0o700, dir_fd=pfd)
    fd = os.open(name, DIR, dir_fd=pfd)
    fcntl.flock(fd, fcntl.LOCK_EX)
    return name, fd
def op_probe(a):
    p = opendir(a["parent"])
    t = ".stratam-probe-" + os.urandom(6).hex()
    os.mkdir(t + "-a", 0o700, dir_fd=p)
    try:
        os.mkdir(t + "-b", 0o700, dir_fd=p)
        try:
            ia = os.stat(t + "-a", dir_fd=p).st_ino
            try:
                rename2(p, t + "-a", p, t + "-b", EXCHANGE)
            except OSError as e:
                raise Refuse("the filesystem of %s cannot swap two folders atomically (renameat2 RENAME_EXCHANGE: %s)" % (a["parent"][0], e.strerror))
            if os.stat(t + "-b", dir_fd=p).st_ino != ia: raise Refuse("renameat2 RENAME_EXCHANGE did not swap the folders")
        finally: os.rmdir(t + "-b", dir_fd=p)
    finally: os.rmdir(t + "-a", dir_fd=p)
    return {"python": "%d.%d.%d" % sys.version_info[:3]}
def op_snapshot(a):
    hist = opendir(a["hist"])
    removed = leftovers(hist, a["partialPrefix"])
    partial, pfd = fresh(hist, a["partialPrefix"])
    out = {"entries": 0, "skipped": []}
    os.mkdir("tree", 0o700, dir_fd=pfd)
    tfd = os.open("tree", DIR, dir_fd=pfd)
    try:
        code = opendir(a["code"])
    except FileNotFoundError:
        code = None
    if code is not None:
        copy_tree(code, tfd, "copy", out)
        finish(tfd, os.fstat(code))
    else:
        os.fchmod(tfd, 0o755)
    mine = entries(tfd)
    src = opendir(a["against"])
    theirs = entries(src)
    files = sorted(p for p in set(mine) | set(theirs) if p != "." and mine.get(p) != theirs.get(p))
    meta = dict(a["meta"])
    meta["created"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    meta["files"] = files
    j = os.open("snapshot.json", os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644, dir_fd=pfd)
    try:
        b = (json.dumps(meta) + "\n").encode()
        while b: b = b[os.write(j, b):]
        os.fsync(j)
    finally: os.close(j)
    os.fsync(tfd)
    os.fchmod(pfd, 0o755)
    os.fsync(pfd)
    for attempt in range(3):
        name = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()) + a["suffix"]
        try:
            rename2(hist, partial, hist, name, NOREPLACE)
            break
        except OSError as e:
            if e.errno != errno.EEXIST or attempt == 2: raise
            time.sleep(1.05 - time.time() % 1)
    os.fsync(hist)
    return {"name": name, "files": files, "skipped": out["skipped"], "entries": out["entries"], "hash": tree_hash(mine), "removed": removed, "existed": code is not None}
def op_stage(a):
    parent = opendir(a["parent"])
    removed = leftovers(parent, a["prefix"])
    src = opendir(a["tree"])
    name, sfd = fresh(parent, a["prefix"])
    out = {"entries": 0, "skipped": []}
    copy_tree(src, sfd, "refuse", out)
    finish(sfd, os.fstat(src))
    os.fsync(sfd)
    os.fsync(parent)
    st = os.fstat(sfd)
    return {"staging": name, "ino": st.st_ino, "hash": tree_hash(entries(sfd)), "entries": out["entries"], "removed": removed}
def op_swap(a):
    parent = opendir(a["parent"])
    try:
        sfd = os.open(a["staging"], DIR, dir_fd=parent)
    except OSError as e:
        if e.errno in (errno.ELOOP, errno.ENOTDIR, errno.ENOENT): raise Refuse("the staged folder %s is gone or no longer a folder" % a["staging"])
        raise
    if os.fstat(sfd).st_ino != a["ino"]: raise Refuse("the staged folder %s was replaced after it was made" % a["staging"])
    try:
        cst = os.stat(a["code"], dir_fd=parent, follow_symlinks=False)
    except FileNotFoundError:
        cst = None
    if cst is not None and not stat.S_ISDIR(cst.st_mode): raise Refuse("%s is %s now, not a folder" % (a["code"], kind(cst.st_mode)))
    rename2(parent, a["staging"], parent, a["code"], EXCHANGE if cst is not None else NOREPLACE)
    os.fsync(parent)
    now = os.stat(a["code"], dir_fd=parent, follow_symlinks=False)
    if now.st_ino != a["ino"] or now.st_dev != os.fstat(sfd).st_dev: raise Refuse("another folder than the staged one is at %s after the swap" % a["code"])
    return {"method": "exchange" if cst is not None else "rename", "hash": tree_hash(entries(sfd))}
def op_remove(a):
    parent = opendir(a["parent"])
    try:
        n = rm_entry(parent, a["name"])
    except FileNotFoundError:
        n = 0
    os.fsync(parent)
    return {"removed": n}
def op_hash(a):
    return {"hash": tree_hash(entries(opendir(a["tree"])))}
OPS = {"probe": op_probe, "snapshot": op_snapshot, "stage": op_stage, "swap": op_swap, "remove": op_remove, "hash": op_hash}
def emit(o):
    b = (json.dumps(o) + "\n").encode()
    while b: b = b[os.write(1, b):]
try:
    emit(OPS[sys.argv[1]](json.loads(sys.argv[2])))
except Refuse as e:
    emit({"error": str(e), "refused": True})
    sys.exit(3)
except OSError as e:
    emit({"error": "%s%s" % (e.strerror or e, " (%s)" % e.filename if e.filename else ""), "errno": errno.errorcode.get(e.errno or 0, "")})
    sys.exit(1)
`;

/**
 * Runs /usr/bin/python3 with `cryptography` as the judge: a JSON request on
 * stdin, a JSON answer on stdout. Bytes travel as standard base64.
 */
import { spawnSync } from 'node:child_process';

export const PYTHON = '/usr/bin/python3';

const SCRIPT = String.raw`
import sys, json, base64
from cryptography.fernet import Fernet, MultiFernet, InvalidToken
req = json.load(sys.stdin)
op = req["op"]
b = lambda s: base64.b64decode(s)
e = lambda x: base64.b64encode(x).decode()
out = None
if op == "encrypt":
    f = Fernet(req["key"])
    out = [f.encrypt(b(p)).decode() for p in req["items"]]
elif op == "decrypt":
    # which single key opens each token (index into keys), or -1
    fs = [Fernet(k) for k in req["keys"]]
    out = []
    for t in req["items"]:
        idx = -1
        for i, f in enumerate(fs):
            try:
                p = f.decrypt(t.encode()); idx = i; break
            except InvalidToken:
                pass
        out.append({"index": idx, "plain": e(p) if idx >= 0 else None, "ts": fs[idx].extract_timestamp(t.encode()) if idx >= 0 else None})
elif op == "rotate":
    f = MultiFernet([Fernet(k) for k in req["keys"]])
    out = [f.rotate(t.encode()).decode() for t in req["items"]]
json.dump(out, sys.stdout)
`;

export function python<T>(req: Record<string, unknown>): T {
  const r = spawnSync(PYTHON, ['-c', SCRIPT], { input: JSON.stringify(req), maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`python failed: ${r.stderr.toString()}`);
  return JSON.parse(r.stdout.toString()) as T;
}

/**
 * Inputs for the fuzz campaign (driven by the seeded PRNG in helpers/prng.ts,
 * so any failure is reproduced from its seed and index): for each target a
 * mix of plain random bytes and mutations of realistic samples (random bytes
 * alone rarely reach the deeper branches of a parser).
 */
import type { Target } from './fuzz-worker.js';

const ED25519 = 'AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl';

const SAMPLES: Record<Target, string[]> = {
  dotenv: [
    '# Stratam operator flags\nJARVIS_SELF_MODIFY_ALLOWED=1\nJARVIS_ETERNAL_LOOP=1\n\nDISCORD_OWNER_ID=123456789012345678\n',
    'export JARVIS_SELF_MODIFY_ALLOWED="1" # on\r\nEMAIL_TRUSTED_SENDERS=\'a@b.c\'\r\nKEY=# note\r\n',
    'DISCORD_TRUSTED_USER_IDS=  "x\nJARVIS_SELF_MODIFY_ALLOWED=\'\nJARVIS_SELF_MODIFY_ALLOWED=0 #x\t#y',
  ],
  'known-hosts': [
    `[127.0.0.1]:2222 ssh-ed25519 ${ED25519}\n`,
    `|1|JfKTdBh7rNbXkVAQCRp4OQoPfmI=|USECr3SWf1JUPsms5AqfD5QfxkM= ssh-ed25519 ${ED25519}\n@revoked * ssh-ed25519 ${ED25519}\n`,
    `*.example.com,!bad.example.com,?roplet ssh-ed25519 ${ED25519} comment\n@cert-authority *.x ssh-ed25519 ${ED25519}\r\n# c\n`,
  ],
  jsonl: [
    '{"seq": 1, "ts": "2026-11-28T01:02:03.456Z", "tool": "host_exec", "args": {"cmd": "docker ps"}, "ok": true, "blocked": null}\n',
    '{"seq": 2}\n{"seq": 3.5}\n[1]\nnull\n{"seq": "4"}\n{"seq": 9007199254740993}\n',
    '{"seq": 5, "result": "\u00e9\u2028\u0000"}\n\n\n{"seq":6,"x":"' + 'a'.repeat(150) + '"}\n',
  ],
  frames: ['D a 123 0 5\nhello', 'Z\nH\nT a 1\nL r 2\nD r 9 100 0\n', 'D a 1 0 3\nab'],
  blocklist: [
    'rm -rf /',
    'dd if=/dev/zero of=/dev/sda bs=1M',
    ':(){ :|:& };:',
    'chmod -R 777 /',
    'echo $(cat <<EOF\nrm -rf ~\nEOF\n)',
    'bash -c "r""m -rf /*"',
    'find / -delete',
    'x=/; rm -rf "$x"',
    'mkfs.ext4 /dev/nvme0n1',
    'ls -la && docker ps | grep jarvis',
  ],
};

const TOKENS = [
  '\n',
  '\r\n',
  '\r',
  '=',
  '#',
  ' # ',
  '"',
  "'",
  '\\',
  '\t',
  '\0',
  '\u2028',
  '\uFFFD',
  '|1|',
  '[',
  ']:',
  '*',
  '?',
  '!',
  ',',
  '@revoked ',
  '{',
  '}',
  '"seq":',
  '$(',
  '`',
  '<<',
  '&&',
  '|',
  ';',
  '${',
  '(',
  ')',
  'export ',
  'D a 1 0 ',
  'Z\n',
];

export function makeInput(target: Target, rand: () => number): Buffer {
  const int = (n: number) => Math.floor(rand() * n);
  const roll = rand();
  if (roll < 0.3) {
    // Plain random bytes, mostly short, sometimes long.
    const len = rand() < 0.9 ? int(200) : int(20_000);
    const b = Buffer.alloc(len);
    for (let i = 0; i < len; i++) b[i] = int(256);
    return b;
  }
  const samples = SAMPLES[target];
  let s = Buffer.from(samples[int(samples.length)]!, 'utf8');
  const edits = 1 + int(8);
  for (let e = 0; e < edits; e++) {
    const at = int(s.length + 1);
    const kind = int(5);
    if (kind === 0 && s.length > 0) {
      const i = Math.min(at, s.length - 1);
      s[i] = s[i]! ^ (1 << int(8));
    } // bit flip
    else if (kind === 1) s = Buffer.concat([s.subarray(0, at), Buffer.from(TOKENS[int(TOKENS.length)]!, 'utf8'), s.subarray(at)]);
    else if (kind === 2)
      s = Buffer.concat([s.subarray(0, at), s.subarray(at + 1 + int(10))]); // delete
    else if (kind === 3) {
      const from = int(s.length + 1);
      s = Buffer.concat([s.subarray(0, at), s.subarray(from, from + int(40)), s.subarray(at)]); // duplicate a piece
    } else s = Buffer.concat([s.subarray(0, at), Buffer.from([int(256), int(256)]), s.subarray(at)]);
  }
  if (rand() < 0.05) s = Buffer.concat(Array.from({ length: 50 + int(200) }, () => s)); // long, repetitive
  return s;
}

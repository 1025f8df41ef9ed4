/**
 * A second process that writes a witness store: the test drives it over
 * stdin, one command a line, and reads `ok` (or `err <message>`) back.
 *   observe A B        observe seqs A..B (sha256 of the seq's digits)
 *   flush | reopen
 *   run A B EVERY      observe A..B, flushing every EVERY records
 *   close              flush, close, exit
 * Usage: node witness-writer.js STATE_DIR STREAM
 */
import { createHash } from 'node:crypto';
import { createInterface } from 'node:readline';
import type { DropletIdentity } from '../../../src-main/core/droplet/droplet.js';
import { WitnessStore } from '../../../src-main/core/audit/witness-store.js';
import type { StreamName } from '../../../src-main/core/audit/diagnostics.js';

export const WRITER_ID: DropletIdentity = { host: 'h', port: 22, user: 'u', hostKey: 'SHA256:two-writers' };
export const seqHash = (seq: number) => createHash('sha256').update(String(seq)).digest('hex');

const [state, stream] = process.argv.slice(2) as [string, StreamName];
if (state && stream) {
  let w = WitnessStore.open(state, WRITER_ID, stream);
  const observe = (a: number, b: number, every = 0) => {
    for (let s = a; s <= b; s++) {
      w.observe(s, seqHash(s));
      if (every > 0 && (s - a + 1) % every === 0) w.flush();
    }
  };
  for await (const line of createInterface({ input: process.stdin })) {
    const [cmd, ...n] = line.trim().split(' ');
    const [a, b, every] = n.map(Number) as [number, number, number];
    try {
      if (cmd === 'observe') observe(a, b);
      else if (cmd === 'run') observe(a, b, every);
      else if (cmd === 'flush') w.flush();
      else if (cmd === 'reopen') {
        w.close();
        w = WitnessStore.open(state, WRITER_ID, stream);
      } else if (cmd === 'close') {
        w.close();
        process.stdout.write('ok\n');
        break;
      }
      process.stdout.write('ok\n');
    } catch (err) {
      process.stdout.write(`err ${(err as Error).message.replace(/\n/g, ' ')}\n`);
    }
  }
}

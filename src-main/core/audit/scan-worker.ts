/**
 * The audit scan worker (see scan-pool.ts): scans a transferred buffer with
 * the same `scanLines` the main thread uses, and transfers the buffer back
 * with the result.
 */
import { parentPort } from 'node:worker_threads';
import { scanLines, type ScanOptions } from './line-scan.js';

interface Job {
  id: number;
  buffer: ArrayBuffer;
  from: number;
  to: number;
  opts: ScanOptions;
}

const port = parentPort;
if (!port) throw new Error('scan-worker runs as a worker thread only');
port.on('message', (job: Job) => {
  try {
    const result = scanLines(new Uint8Array(job.buffer), job.from, job.to, { ...job.opts, keepValues: false });
    const arrays = [result.starts, result.ends, result.kinds, result.seqs].map((a) => a.buffer as ArrayBuffer);
    port.postMessage({ id: job.id, buffer: job.buffer, result }, [job.buffer, ...arrays]);
  } catch (err) {
    port.postMessage({ id: job.id, buffer: job.buffer, error: (err as Error).message }, [job.buffer]);
  }
});

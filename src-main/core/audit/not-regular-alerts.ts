/**
 * A log file the follower found to be a link, FIFO, ... and did not read:
 * one critical alert per episode. A follower restarted after a drop reports
 * what is still there again; that first report is not a new alert.
 */
import { describeType } from '../droplet/control-file.js';
import type { FileType } from '../droplet/droplet.js';
import type { AlertDiagnostic, StreamName } from './diagnostics.js';

export class NotRegularAlerts {
  /** Non-regular log files as this follower reports them, as the previous one left them, and those it has reported. */
  private now = new Map<string, string>();
  private before = new Map<string, string>();
  private readonly seen = new Set<string>();

  /** A new follower starts: what the last one saw is what a first report is compared with. */
  followerStarting(): void {
    this.before = this.now;
    this.now = new Map();
    this.seen.clear();
  }

  /** The follower reports `path` (of `stream`, whose last seq is `atSeq`) as `fileType`: the alert to raise, if any. */
  report(stream: StreamName, path: string, fileType: string, atSeq: number): AlertDiagnostic | null {
    const first = !this.seen.has(path);
    this.seen.add(path);
    if (fileType === 'file' || fileType === 'absent') {
      this.now.delete(path);
      return null;
    }
    this.now.set(path, fileType);
    if (first && this.before.get(path) === fileType) return null;
    return {
      kind: 'alert',
      severity: 'critical',
      reason: 'not-regular-file',
      stream,
      at_seq: atSeq,
      path,
      file_type: fileType,
      detail: `${path} is ${describeType(fileType as FileType)}, not a regular file: it is not read (an audit file is never followed through a link), so records in it are not shown. If it was not you, treat it as tampering and put the real file back.`,
    };
  }
}

/**
 * Opening the SFTP session every file operation rides on, and what to say
 * when the droplet's sshd has none: ssh2's own "Unable to start subsystem:
 * sftp" names neither the cause nor the fix.
 */
import type { Client, SFTPWrapper } from 'ssh2';
import { StratamError } from '../errors.js';

/** The lines that give sshd an SFTP subsystem (Debian/Ubuntu's server path, or sshd's built-in one). */
export const SFTP_SUBSYSTEM_LINE = 'Subsystem sftp /usr/lib/openssh/sftp-server';
export const SFTP_INTERNAL_LINE = 'Subsystem sftp internal-sftp';

export function sftpMissingError(host: string, port: number, said: string): StratamError {
  return new StratamError(
    'connect',
    `The droplet's sshd (${host}:${port}) has no SFTP subsystem (it answered "${said}"); Stratam reads and writes every droplet file over SFTP, so nothing was read or changed.`,
    {
      hint: `On the droplet, add "${SFTP_SUBSYSTEM_LINE}" (or "${SFTP_INTERNAL_LINE}") to /etc/ssh/sshd_config, check it with "sshd -t", then reload sshd (systemctl reload ssh).`,
      detail: { sftpMissing: true, sshdConfigLine: SFTP_SUBSYSTEM_LINE },
    },
  );
}

export const isSftpMissing = (err: unknown): boolean => (err as StratamError | null)?.detail?.sftpMissing === true;

/**
 * A new SFTP session on `client`, or a clear refusal: the subsystem missing
 * (StratamError with the sshd_config line), or no answer within `deadlineMs`
 * (a session that answers after that is ended, not leaked).
 */
export function openSftpSession(client: Client, target: { host: string; port: number }, deadlineMs: number): Promise<SFTPWrapper> {
  return new Promise<SFTPWrapper>((resolve, reject) => {
    let late = false;
    const timer = setTimeout(() => {
      late = true;
      reject(
        new StratamError('connect', `Opening the SFTP session on ${target.host}:${target.port}: no answer within ${Math.round(deadlineMs / 1000)} s.`, {
          hint: 'Check the connection (stratam doctor); a droplet under heavy load may answer on a retry.',
          detail: { timedOut: true, op: 'sftp' },
        }),
      );
    }, deadlineMs);
    client.sftp((err, s) => {
      clearTimeout(timer);
      if (late) {
        if (!err) s.end();
        return;
      }
      if (!err) return resolve(s);
      reject(/subsystem/i.test(err.message) ? sftpMissingError(target.host, target.port, err.message) : err);
    });
  });
}

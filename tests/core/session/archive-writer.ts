/**
 * Writes conversation-archive lines the way the agent does (contract: one JSON
 * object per line, the message encrypted with the vault's keyring), for the
 * session tests that judge replies.
 */
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';

/** `say(turn, role, content)` appends one message to `<home>/conversation_archive.jsonl` on the discord channel. */
export function archiveWriter(home: string, keyring: { encrypt(plain: string): string }): (turn: string, role: string, content: string) => void {
  const archive = join(home, 'conversation_archive.jsonl');
  return (turn, role, content) =>
    appendFileSync(
      archive,
      `${JSON.stringify({ ts: new Date().toISOString(), turn, role, channel: 'discord', author: role === 'user' ? 'owner' : 'stratam', enc: keyring.encrypt(JSON.stringify({ content })) })}\n`,
    );
}

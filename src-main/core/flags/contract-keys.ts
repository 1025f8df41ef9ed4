/**
 * The keys the contract defines in <envFile>. Kept apart from env-editor.ts so
 * the grammar can name them in a doubt without importing the droplet side.
 */
export const CONTRACT_KEYS = [
  'JARVIS_SELF_MODIFY_ALLOWED',
  'JARVIS_ETERNAL_LOOP',
  'DISCORD_OWNER_ID',
  'DISCORD_TRUSTED_USER_IDS',
  'TELEGRAM_TRUSTED_USER_IDS',
  'EMAIL_TRUSTED_SENDERS',
  'SMS_TRUSTED_NUMBERS',
] as const;

export const isContractKey = (key: string): boolean => (CONTRACT_KEYS as readonly string[]).includes(key);

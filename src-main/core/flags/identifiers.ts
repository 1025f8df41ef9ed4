/**
 * What may be written into the operator's .env, per the contract. Validation
 * happens before any write, so an injected newline or `=` can never add a
 * second assignment (for example JARVIS_SELF_MODIFY_ALLOWED=1) to the file.
 */
import { usageError } from '../errors.js';

export const TRUST_CHANNELS = ['discord', 'telegram', 'email', 'sms'] as const;
export type TrustChannel = (typeof TRUST_CHANNELS)[number];

export const TRUST_KEYS: Readonly<Record<TrustChannel, string>> = {
  discord: 'DISCORD_TRUSTED_USER_IDS',
  telegram: 'TELEGRAM_TRUSTED_USER_IDS',
  email: 'EMAIL_TRUSTED_SENDERS',
  sms: 'SMS_TRUSTED_NUMBERS',
};

const RULES: Readonly<Record<TrustChannel, { re: RegExp; what: string; example: string }>> = {
  discord: { re: /^[0-9]{17,20}$/, what: 'a Discord user id (a snowflake: 17 to 20 digits)', example: '234567890123456789' },
  telegram: { re: /^[1-9][0-9]{0,14}$/, what: 'a Telegram user id (a positive integer of 1 to 15 digits)', example: '987654321' },
  email: { re: /^[^@\s,"'`<>()[\]\\;:=#]+@[^@\s,"'`<>()[\]\\;:=#]+$/, what: 'an email address (one @, no spaces, commas or quotes)', example: 'ops@example.com' },
  sms: { re: /^\+[1-9][0-9]{6,14}$/, what: 'an E.164 phone number (+ then 7 to 15 digits, not starting with 0)', example: '+14155550100' },
};

/**
 * Anything that could break out of a dotenv value, hide in it, or be read
 * differently by python-dotenv: `$` starts an interpolation (even inside
 * single quotes), and C1 controls include \x85, which Python strips as space.
 */
const UNSAFE = /[\r\n=#"'`\\$\u0000-\u001f\u007f-\u009f]/;

export function isTrustChannel(s: string): s is TrustChannel {
  return (TRUST_CHANNELS as readonly string[]).includes(s);
}

export function assertChannel(s: string): TrustChannel {
  if (!isTrustChannel(s)) throw usageError(`Unknown channel "${printable(s)}".`, `Use one of: ${TRUST_CHANNELS.join(', ')}.`);
  return s;
}

/** Validate one identifier for a channel; returns it unchanged or throws a usage error naming the fix. */
export function validateIdentifier(channel: TrustChannel, id: string): string {
  const rule = RULES[channel];
  if (UNSAFE.test(id)) {
    throw usageError(
      `Refused ${channel} id ${JSON.stringify(printable(id))}: it contains a newline, quote, '=', '#', '$' or control character, which would corrupt the .env file.`,
      `Give ${rule.what}, e.g. ${rule.example}.`,
    );
  }
  if (!rule.re.test(id) || id.length > 254) {
    throw usageError(`"${printable(id)}" is not ${rule.what}.`, `For example: ${rule.example}.`);
  }
  return id;
}

/** Defence in depth: no value reaches the .env writer unless it is plain. */
export function assertSafeValue(value: string): void {
  if (UNSAFE.test(value)) throw usageError('Refused a .env value with a newline, quote, =, #, $ or control character.');
}

/** Show user input in an error without letting control characters through. */
export function printable(s: string): string {
  const clipped = s.length > 80 ? `${s.slice(0, 80)}…` : s;
  return clipped.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

export function splitList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

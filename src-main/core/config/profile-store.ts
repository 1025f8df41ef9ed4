/**
 * Saved droplet profiles: `<stateDir>/profiles.json`. The desktop app reaches
 * the same file through electron-store (same folder and name; see
 * src-main/electron/profile-backend.ts), so both faces share one list, and
 * both go through the one schema below. It holds no secrets: identity files are paths, host keys are
 * fingerprints. Every read is schema-checked; a damaged file is reported, not
 * silently replaced.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { StratamError } from '../errors.js';
import { DEFAULT_PATHS, type DropletProfile } from './profile.js';

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export const pathsSchema = z.object({
  jarvisHome: z.string().min(1).max(4096),
  jarvisRoot: z.string().min(1).max(4096),
  envFile: z.string().max(4096),
  agentContainer: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/),
  sandboxImage: z.string().min(1).max(256),
  backupsVolume: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/),
  // Added with contract v2: profiles saved before it have none and get the default.
  agentCodeDir: z.string().max(4096).default(''),
});

export const profileSchema = z.object({
  name: z.string().regex(NAME, 'a profile name is letters, digits, dot, dash or underscore'),
  transport: z.enum(['ssh', 'local']),
  host: z
    .string()
    .min(1)
    .max(253)
    .regex(/^[A-Za-z0-9.:_-]+$/, 'a host is a DNS name or an IP address'),
  port: z.number().int().min(1).max(65535),
  user: z.string().regex(/^[a-z_][a-z0-9_.-]{0,31}$/i, 'a Unix user name'),
  identityFile: z.string().max(4096).optional(),
  fingerprint: z
    .string()
    .regex(/^SHA256:[A-Za-z0-9+/]{43}$/, 'a SHA256: fingerprint')
    .optional(),
  knownHostsFile: z.string().max(4096).optional(),
  edgeUrl: z.string().url().startsWith('https://').optional(),
  holdPause: z.boolean().optional(),
  // Added with the audit mirror (issue 16): profiles saved before it have none and get the default cap.
  mirrorCapMB: z
    .number()
    .int()
    .min(0)
    .max(1024 * 1024)
    .optional(),
  paths: pathsSchema,
});

const fileSchema = z.object({ version: z.literal(1), profiles: z.record(z.string(), profileSchema) });

/** Where the profiles file lives and how it is read and written. */
export interface ProfileFileBackend {
  readonly location: string;
  /** The parsed file, or undefined when there is none yet. */
  read(): Promise<unknown>;
  write(data: { version: 1; profiles: Record<string, DropletProfile> }): Promise<void>;
}

/** The CLI's backend: the JSON file itself, replaced atomically, mode 0600. */
export function fileBackend(stateDir: string): ProfileFileBackend {
  const file = join(stateDir, 'profiles.json');
  return {
    location: file,
    async read() {
      try {
        return JSON.parse(await readFile(file, 'utf8')) as unknown;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        if (err instanceof SyntaxError) return null;
        throw err;
      }
    },
    async write(data) {
      await mkdir(join(file, '..'), { recursive: true, mode: 0o700 });
      const tmp = `${file}.${process.pid}.tmp`;
      await writeFile(tmp, `${JSON.stringify(data, null, 2)}\n`, { mode: 0o600 });
      await rename(tmp, file);
    },
  };
}

export class ProfileStore {
  private readonly backend: ProfileFileBackend;

  /** A state folder (the CLI), or a backend (the desktop app's electron-store over the same file). */
  constructor(where: string | ProfileFileBackend) {
    this.backend = typeof where === 'string' ? fileBackend(where) : where;
  }

  get file(): string {
    return this.backend.location;
  }

  async all(): Promise<Record<string, DropletProfile>> {
    const data = await this.backend.read();
    if (data === undefined) return {};
    const parsed = fileSchema.safeParse(data);
    if (!parsed.success) {
      throw new StratamError('failed', `${this.file} is not a valid profiles file: ${parsed.error.issues[0]?.message ?? 'not JSON'}.`, {
        hint: 'Fix or remove the file, then add the droplet again with `stratam profile add`.',
      });
    }
    return parsed.data.profiles as Record<string, DropletProfile>;
  }

  async get(name: string): Promise<DropletProfile> {
    const p = (await this.all())[name];
    if (!p) throw new StratamError('usage', `No saved droplet named "${name}".`, { hint: 'List them with `stratam profile list`, or add one with `stratam profile add NAME --host ...`.' });
    return p;
  }

  async save(profile: DropletProfile): Promise<void> {
    const valid = profileSchema.parse({ ...profile, paths: { ...DEFAULT_PATHS, ...profile.paths } });
    const all = await this.all();
    all[valid.name] = valid as DropletProfile;
    await this.backend.write({ version: 1, profiles: all });
  }

  async remove(name: string): Promise<boolean> {
    const all = await this.all();
    if (!all[name]) return false;
    delete all[name];
    await this.backend.write({ version: 1, profiles: all });
    return true;
  }
}

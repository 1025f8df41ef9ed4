/**
 * Saved droplet profiles: `<stateDir>/profiles.json`. The Electron app opens
 * the same file through electron-store (same folder and name), so both faces
 * share one list. It holds no secrets: identity files are paths, host keys are
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
});

export const profileSchema = z.object({
  name: z.string().regex(NAME, 'a profile name is letters, digits, dot, dash or underscore'),
  transport: z.enum(['ssh', 'local']),
  host: z.string().min(1).max(253).regex(/^[A-Za-z0-9.:_-]+$/, 'a host is a DNS name or an IP address'),
  port: z.number().int().min(1).max(65535),
  user: z.string().regex(/^[a-z_][a-z0-9_.-]{0,31}$/i, 'a Unix user name'),
  identityFile: z.string().max(4096).optional(),
  fingerprint: z.string().regex(/^SHA256:[A-Za-z0-9+/]{43}$/, 'a SHA256: fingerprint').optional(),
  knownHostsFile: z.string().max(4096).optional(),
  edgeUrl: z.string().url().startsWith('https://').optional(),
  paths: pathsSchema,
});

const fileSchema = z.object({ version: z.literal(1), profiles: z.record(z.string(), profileSchema) });

export class ProfileStore {
  readonly file: string;

  constructor(stateDir: string) {
    this.file = join(stateDir, 'profiles.json');
  }

  async all(): Promise<Record<string, DropletProfile>> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw err;
    }
    const parsed = fileSchema.safeParse(JSON.parse(text));
    if (!parsed.success) {
      throw new StratamError('failed', `${this.file} is not a valid profiles file: ${parsed.error.issues[0]?.message ?? 'schema mismatch'}.`, {
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
    await this.write(all);
  }

  async remove(name: string): Promise<boolean> {
    const all = await this.all();
    if (!all[name]) return false;
    delete all[name];
    await this.write(all);
    return true;
  }

  private async write(profiles: Record<string, DropletProfile>): Promise<void> {
    await mkdir(join(this.file, '..'), { recursive: true, mode: 0o700 });
    const tmp = `${this.file}.${process.pid}.tmp`;
    await writeFile(tmp, `${JSON.stringify({ version: 1, profiles }, null, 2)}\n`, { mode: 0o600 });
    await rename(tmp, this.file);
  }
}

/**
 * Debian's Chromium driven by playwright-core, through the browser harness.
 * A fresh profile folder per run; everything that phones home is off.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { repoRoot } from '../helpers/repo-root.js';

export const CHROMIUM = '/usr/bin/chromium';

export interface Browser {
  context: BrowserContext;
  page: Page;
  /** Script errors and dialogs the page raised (a hostile record must cause none). */
  pageErrors: string[];
  dialogs: string[];
  close(): Promise<void>;
}

export async function openBrowser(url: string, opts: { width?: number; height?: number; colorScheme?: 'light' | 'dark' } = {}): Promise<Browser> {
  const userDataDir = mkdtempSync(join(tmpdir(), 'stratam-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'],
    viewport: { width: opts.width ?? 1360, height: opts.height ?? 860 },
    colorScheme: opts.colorScheme ?? 'light',
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const pageErrors: string[] = [];
  const dialogs: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    // A dialog left open blocks the page; a failed dismiss is a page error the test reports.
    d.dismiss().catch((err: unknown) => pageErrors.push(`Dismissing the dialog "${d.message()}" failed: ${err instanceof Error ? err.message : String(err)}`));
  });
  await page.goto(url);
  return {
    context,
    page,
    pageErrors,
    dialogs,
    async close() {
      await context.close().catch(() => {});
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/** Where screenshots go (gitignored); kept for a person to look at. */
export function artifactsDir(): string {
  const dir = join(repoRoot(), 'test-artifacts', 'e2e');
  mkdirSync(dir, { recursive: true });
  return dir;
}

export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(artifactsDir(), `${name}.png`) });
}

export function rendererDir(): string {
  return process.env.STRATAM_RENDERER_DIR ?? join(repoRoot(), 'dist', 'renderer');
}

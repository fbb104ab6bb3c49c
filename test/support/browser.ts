// Headless Chromium for the dashboard's tests: Debian's `chromium` driven by playwright-core
// (which never downloads a browser here), a fresh profile per launch, no network beyond the
// page's own. Console errors and page errors are collected so a test can require none.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.PIER_CHROMIUM ?? '/usr/bin/chromium';
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];

/** Throws when Chromium is missing: a browser test never skips (the Debian package is `chromium`). */
export function requireChromium(): void {
  if (!existsSync(CHROMIUM)) throw new Error(`browser tests need Chromium at ${CHROMIUM} (Debian package chromium; scripts/install.sh --system)`);
}

/** Where screenshots go: $PIER_TEST_ARTIFACTS or test-output/dashboard under the working directory. */
export function artifactsDir(): string {
  const dir = process.env.PIER_TEST_ARTIFACTS ?? join(process.cwd(), 'test-output', 'dashboard');
  mkdirSync(dir, { recursive: true });
  return dir;
}

export interface Browser {
  context: BrowserContext;
  /** Console errors and uncaught page errors seen so far, on every page. */
  errors: string[];
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

export async function launchBrowser(opts: { width?: number; height?: number } = {}): Promise<Browser> {
  requireChromium();
  const profile = mkdtempSync(join(tmpdir(), 'pier-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, headless: true, args: FLAGS, viewport: { width: opts.width ?? 1280, height: opts.height ?? 860 },
  });
  const errors: string[] = [];
  const watch = (page: Page) => {
    page.on('console', (m) => { if (m.type() === 'error') errors.push(`console: ${m.text()}`); });
    page.on('pageerror', (e) => errors.push(`page: ${e.message}`));
    page.on('dialog', (d) => void d.accept()); // the dashboard confirms deletes with window.confirm
  };
  context.pages().forEach(watch);
  context.on('page', watch);
  return {
    context, errors,
    async newPage() { const p = context.pages()[0] ?? await context.newPage(); return p; },
    async close() { await context.close(); rmSync(profile, { recursive: true, force: true }); },
  };
}

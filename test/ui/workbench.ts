// Drives the real VS Code workbench (code-server in Debian's Chromium) the way a person would.
import * as fs from 'fs';
import * as path from 'path';
import { pathToFileURL } from 'url';
import type { Browser, Page } from 'playwright-core';

export const ROOT = path.resolve(__dirname, '../../..');

interface HostModule {
  ensureHost(log?: (m: string) => void): { version: string };
  newRunDir(prefix: string): string;
  installVsix(host: unknown, runDir: string, vsix: string): string;
  startCodeServer(host: unknown, runDir: string, opts?: Record<string, unknown>): Promise<{ base: URL; stop(): Promise<void> }>;
  launchBrowser(host: unknown, runDir: string): Promise<Browser>;
  workbenchUrl(base: URL, folder: string, payload?: unknown): string;
}

export interface Workbench {
  page: Page;
  folder: string;
  runDir: string;
  close(): Promise<void>;
}

/** Opens `source` (copied fresh) in code-server with the packaged extension installed. */
export async function openWorkbench(source: string): Promise<Workbench> {
  const host: HostModule = await import(pathToFileURL(path.join(ROOT, 'scripts/host.mjs')).href);
  const h = host.ensureHost(() => undefined);
  const runDir = host.newRunDir('ui');
  host.installVsix(h, runDir, path.join(ROOT, 'dist/cruxmark.vsix'));
  const folder = path.join(runDir, 'workspace');
  fs.cpSync(source, folder, { recursive: true });
  const server = await host.startCodeServer(h, runDir, { settings: { 'workbench.colorTheme': 'Default Light Modern', 'editor.minimap.enabled': false, 'window.commandCenter': false } });
  const browser = await host.launchBrowser(h, runDir);
  const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
  const response = await page.goto(host.workbenchUrl(server.base, folder));
  if (!response || response.status() >= 400) throw new Error(`workbench answered HTTP ${response?.status()}`);
  await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
  await page.waitForSelector('.part.statusbar', { timeout: 60_000 });
  return {
    page,
    folder,
    runDir,
    async close() {
      await browser.close().catch(() => undefined);
      await server.stop();
    },
  };
}

/** Runs a command from the command palette by its title. */
export async function runCommand(page: Page, title: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 15_000 });
  await input.fill(`>${title}`);
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
  await row.waitFor({ timeout: 15_000 });
  await page.keyboard.press('Enter');
  await input.waitFor({ state: 'hidden', timeout: 15_000 });
}

/** Opens a file through Quick Open. */
export async function openFile(page: Page, name: string): Promise<void> {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 15_000 });
  await input.fill(name);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: name.split('/').pop()! }).first().waitFor({ timeout: 15_000 });
  await page.keyboard.press('Enter');
  await page.locator(`.tab[aria-label*="${name.split('/').pop()}"]`).first().waitFor({ timeout: 15_000 });
  await page.locator('.monaco-editor .view-lines').first().waitFor({ timeout: 15_000 });
}

/** Moves the cursor to a line (1-based) with Go to Line. */
export async function goToLine(page: Page, line: number): Promise<void> {
  await page.locator('.monaco-editor .view-lines').first().click();
  await page.keyboard.press('Control+G');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 15_000 });
  await input.fill(`:${line}`);
  await page.keyboard.press('Enter');
  await input.waitFor({ state: 'hidden', timeout: 15_000 });
}

/** Shows the Cruxmark container in the side bar and returns a locator of its Claims view. */
export async function showCruxmark(page: Page): Promise<void> {
  const icon = page.locator('.activitybar .action-item a[aria-label^="Cruxmark"], .activitybar .action-item[aria-label^="Cruxmark"]').first();
  await icon.waitFor({ timeout: 30_000 });
  const checked = await icon.evaluate((el) => el.closest('.action-item')?.classList.contains('checked') ?? false);
  if (!checked) await icon.click();
  const header = page.locator('.pane-header', { hasText: 'Claims' }).first();
  await header.waitFor({ timeout: 30_000 });
  if ((await header.getAttribute('aria-expanded')) === 'false') await header.click();
}

/**
 * Opens the example workspace once for a mocha suite and closes it after; a failing test leaves
 * a picture of the workbench in the run folder. Returns a getter for the open workbench.
 */
export function useExampleWorkbench(): () => Workbench {
  let wb: Workbench | undefined;
  suiteSetup(async () => {
    wb = await openWorkbench(path.join(ROOT, 'examples'));
  });
  teardown(async function () {
    if (wb && this.currentTest?.state === 'failed') await wb.page.screenshot({ path: path.join(wb.runDir, 'failure.png') }).catch(() => undefined);
  });
  suiteTeardown(async () => {
    await wb?.close();
  });
  return () => {
    if (!wb) throw new Error('the workbench did not open');
    return wb;
  };
}

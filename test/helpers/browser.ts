import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';

/**
 * Headless Chromium from Debian (`apt-get install chromium fonts-noto-cjk`; `.ci/run` installs them when
 * `test/e2e/browser.needs` exists). Without the CJK fonts every Chinese glyph renders as a box.
 */
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const ARTIFACTS = path.resolve(__dirname, '../../test-artifacts');

export function chromiumAvailable(): boolean {
  return fs.existsSync(CHROMIUM);
}

export async function launchBrowser(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Saves a full-page screenshot under test-artifacts/ and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/**
 * axe-core (node_modules/axe-core/axe.min.js, 650 KB) served by a local HTTP server of the test's own, for pages to
 * load with `page.addScriptTag({ url })` (their contexts need `bypassCSP: true`: the pages allow scripts from 'self'
 * only). Served with a long max-age, the script is fetched and compiled once per browser context and then taken from
 * Chromium's HTTP and code caches: `addScriptTag({ path })` sent its text through the DevTools protocol and had it
 * parsed again on every page (~0.4 s a page on this machine, against ~0.1 s).
 */
export async function serveAxe(): Promise<{ url: string; close(): Promise<void> }> {
  const http = await import('node:http');
  const script = fs.readFileSync(require.resolve('axe-core/axe.min.js'));
  const server = http.createServer((req, res) => {
    if (req.url !== '/axe.min.js') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'public, max-age=86400' });
    res.end(script);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as import('node:net').AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/axe.min.js`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Signs in through the login form. */
export async function browserSignIn(page: Page, baseUrl: string, login: string, password: string): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.fill('#login', login);
  await page.fill('#password', password);
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit].primary')]);
}

/**
 * Browser suites run wherever Chromium is installed, and always in CI (where a missing browser fails
 * loudly instead of skipping). On a developer machine without Chromium they are skipped.
 */
export const describeBrowser: jest.Describe = chromiumAvailable() || process.env.CI ? describe : describe.skip;

/**
 * Records the message of every dialog the page opens (confirm, alert) and dismisses it, as a person answering "no":
 * the returned list grows as dialogs come. Replaces the page's earlier dialog listeners.
 */
export function recordDialogs(page: Page): string[] {
  const asked: string[] = [];
  page.removeAllListeners('dialog');
  page.on('dialog', (dialog) => {
    asked.push(dialog.message());
    void dialog.dismiss();
  });
  return asked;
}

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

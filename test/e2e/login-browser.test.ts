import fs from 'node:fs';
import type { Browser } from 'playwright-core';
import { describeBrowser, launchBrowser, screenshot } from '../helpers/browser';
import { cliEnvironment, runCli } from '../helpers/cli';
import { freePort, spawnHubwatch, Spawned, waitFor } from '../helpers/process';

/**
 * Issue 2's acceptance path, as a person does it: `hubwatch users add` on a fresh PostgreSQL-less
 * install, start the server, sign in through the login form in Chromium, see the home page, sign out.
 */
describeBrowser('signing in through the browser', () => {
  let browser: Browser;
  let server: Spawned;
  let baseUrl: string;
  let dataDir: string;
  let password: string;

  beforeAll(async () => {
    const cli = cliEnvironment();
    dataDir = cli.dataDir;
    // An empty hub configuration: no demo bootstrap, so the account below is the only one.
    const env = { ...cli.env, HUB_DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' };
    const added = await runCli(
      [
        'users',
        'add',
        '--login',
        'wanglei',
        '--name',
        '王磊',
        '--department',
        'HR',
        '--department-name',
        '人事处',
        '--role',
        'steward',
      ],
      env,
    );
    expect(added.code).toBe(0);
    password = /初始密码（仅显示一次）：(\S+)/.exec(added.stdout)![1];
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    server = spawnHubwatch(['serve'], {
      DATA_DIR: dataDir,
      PORT: String(port),
      LOG_LEVEL: 'warn',
      HUB_DATABASE_URL: env.HUB_DATABASE_URL,
    });
    // A fresh PGlite data directory (initdb and migrations in WebAssembly): seconds alone, minutes beside other test
    // runs on 2 vCPUs. The limits only stop a hang.
    await waitFor(async () => (await fetch(`${baseUrl}/healthz`)).ok, 240_000, 'the server');
    browser = await launchBrowser();
  }, 360_000);

  afterAll(async () => {
    await browser?.close();
    server?.child.kill('SIGTERM');
    await server?.exited;
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('signs in with the printed password, lands on the home page in Chinese, and signs out', async () => {
    const page = await browser.newPage({ locale: 'zh-CN' });
    await page.goto(`${baseUrl}/`);
    expect(page.url()).toBe(`${baseUrl}/login?next=%2F`);
    await page.fill('#login', 'wanglei');
    await page.fill('#password', 'not the password');
    await page.click('button.primary');
    await page.waitForSelector('.flash-error');
    expect(await page.textContent('.flash-error')).toContain('账号或密码不正确');
    await screenshot(page, 'login-failed');

    await page.fill('#password', password);
    await Promise.all([page.waitForURL(`${baseUrl}/`), page.click('button.primary')]);
    expect(await page.textContent('h1')).toContain('王磊');
    expect(await page.textContent('.topbar')).toContain('退出登录');
    await screenshot(page, 'home-steward');

    await Promise.all([page.waitForURL(/\/login$/), page.click('.topbar button.link:has-text("退出登录")')]);
    await page.goto(`${baseUrl}/`);
    expect(page.url()).toContain('/login');
    await page.close();
  });
});

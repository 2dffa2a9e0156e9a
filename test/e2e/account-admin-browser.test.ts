import fs from 'node:fs';
import type { Browser, BrowserContext } from 'playwright-core';
import { browserSignIn, describeBrowser, launchBrowser, screenshot } from '../helpers/browser';
import { cliEnvironment, runCli } from '../helpers/cli';
import { freePort, spawnHubwatch, Spawned, waitForListening } from '../helpers/process';

/**
 * An administrator resets a password in Chromium, as a QA pass did: the destructive buttons ask first,
 * the generated password can be copied with one click, and reloading the page that shows it neither shows
 * it again nor resets the password a second time.
 */
describeBrowser('managing an account in the browser', () => {
  let browser: Browser;
  let context: BrowserContext;
  let server: Spawned;
  let baseUrl: string;
  let dataDir: string;
  const passwords: Record<string, string> = {};

  beforeAll(async () => {
    const cli = cliEnvironment();
    dataDir = cli.dataDir;
    // An empty hub configuration: no demo bootstrap, so the accounts below are the only ones.
    const env = { ...cli.env, HUB_DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' };
    for (const [login, role] of [
      ['chief', 'admin'],
      ['liming', 'steward'],
    ]) {
      const added = await runCli(
        ['users', 'add', '--login', login, '--name', login, '--department', 'HR', '--department-name', '人事处', '--role', role],
        env,
      );
      expect(added.code).toBe(0);
      passwords[login] = /初始密码（仅显示一次）：(\S+)/.exec(added.stdout)![1];
    }
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    server = spawnHubwatch(['serve'], {
      DATA_DIR: dataDir,
      PORT: String(port),
      LOG_LEVEL: 'warn',
      HUB_DATABASE_URL: env.HUB_DATABASE_URL,
    });
    await waitForListening(server, baseUrl);
    browser = await launchBrowser();
    context = await browser.newContext({ locale: 'zh-CN' });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseUrl });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    server?.child.kill('SIGTERM');
    await server?.exited;
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  // The add form is below the list of accounts: sent without a department or a role, a summary above the list takes
  // the focus, and each of its links the box its message is about — the roles' first box too (a div role=group: the
  // link left focus on itself).
  it('an account sent without department and role: the summary is focused and its links reach each box', async () => {
    // A context of its own: the test below signs in anew.
    const own = await browser.newContext({ locale: 'zh-CN' });
    const page = await own.newPage();
    await browserSignIn(page, baseUrl, 'chief', passwords.chief);
    await page.goto(`${baseUrl}/admin/users`);
    await page.fill('#u-login', 'newbie');
    await page.fill('#u-name', '新同事');
    await Promise.all([page.waitForNavigation(), page.click('form[method="post"][action="/admin/users"] button[type=submit]')]);
    expect(await page.evaluate('document.activeElement.classList.contains("error-summary")')).toBe(true);
    await page.click('.error-summary a[href="#u-dept-error"]');
    expect(await page.evaluate('document.activeElement.id')).toBe('u-dept');
    await page.click('.error-summary a[href="#u-roles-error"]');
    expect(await page.evaluate('[document.activeElement.name, document.activeElement.type]')).toEqual(['roles', 'checkbox']);
    await own.close();
  });

  it('asks before disabling and resetting; the generated password copies; a reload does not reset it again', async () => {
    const page = await context.newPage();
    await browserSignIn(page, baseUrl, 'chief', passwords.chief);
    await page.goto(`${baseUrl}/admin/users`);
    await Promise.all([page.waitForURL(/\/admin\/users\/\d+$/), page.click('tr:has-text("liming") a')]);
    const accountUrl = page.url();

    // Disabling asks, naming the account; dismissed, nothing happens.
    const asked: string[] = [];
    page.once('dialog', (d) => (asked.push(d.message()), void d.dismiss()));
    await page.click('#account-status button[type=submit]');
    expect(asked).toEqual([expect.stringContaining('确定停用账号 liming 吗')]);
    expect(page.url()).toBe(accountUrl);
    expect(await page.textContent('#account-status')).toContain('该账号已启用');

    // Resetting asks too; accepted, the new password is shown once with a button that copies it.
    page.once('dialog', (d) => (asked.push(d.message()), void d.accept()));
    await Promise.all([page.waitForURL(/\/password$/), page.click('#account-password button[type=submit]')]);
    expect(asked[1]).toContain('确定重置账号 liming 的密码吗');
    const generated = (await page.textContent('#generated-password'))!.trim();
    expect(generated).toMatch(/^[A-Za-z0-9]{16}$/);
    await page.click('button[data-copy]');
    await page.waitForSelector('button[data-copy]:has-text("已复制")');
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(generated);
    await screenshot(page, 'account-password-generated');

    // A reload posts the form again: the page says so, shows no password, and the one shown still signs in.
    await page.reload();
    expect(page.url()).toBe(accountUrl);
    expect(await page.textContent('.flash')).toContain('本次没有再次重置');
    expect(await page.content()).not.toContain(generated);
    const other = await browser.newContext({ locale: 'zh-CN' });
    const person = await other.newPage();
    await browserSignIn(person, baseUrl, 'liming', generated);
    expect(person.url()).toBe(`${baseUrl}/`);
    await other.close();
    await page.close();
  }, 60_000);
});

import { addCliUser, CliDatabase, runCli, startCliDatabase } from '../helpers/cli';

/**
 * `hubwatch users token LOGIN [--label T] [--revoke-all]` as an operator uses it. A label over the column's 200
 * characters ended on exit 1 with the SQL statement (`错误 / error: insert into "api_tokens" … value too long`);
 * one with a line break or a tab was stored as typed (it is shown in the audit log, on one line); `--label` beside
 * `--revoke-all` was silently ignored; and a token issued to a disabled account was printed without a word,
 * though the API refuses it until the account is enabled again.
 */
describe('hubwatch users token', () => {
  let cli: CliDatabase;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    cli = await startCliDatabase();
    ({ env } = cli);
    const created = await runCli(
      ['users', 'add', '--login', 'wang', '--name', '王五', '--department', 'ITC', '--department-name', '信息中心'],
      env,
    );
    expect(created.code).toBe(2); // no --role: a usage error, nothing added
    for (const login of ['wang', 'admin2']) {
      const add = await addCliUser(env, login, 'admin');
      expect(add.code).toBe(0);
    }
  });
  afterAll(() => cli?.close());
  const tokenCount = () => cli.withDb(async (db) => Number((await db('api_tokens').count({ n: '*' }))[0].n));

  it('a label over 200 characters is exit 2 naming --label, no SQL, nothing written', async () => {
    const before = await tokenCount();
    const res = await runCli(['users', 'token', 'wang', '--label', 'x'.repeat(201)], env);
    expect(res.code).toBe(2);
    expect(res.stdout).toBe('');
    // The account page's rule and message (services/users tokenLabelProblem), after the option's name.
    expect(res.stderr).toBe('--label: 名称最多 200 个字符（已填写 201 个）\n');
    expect(res.stderr).not.toMatch(/insert into|api_tokens|varying/);
    expect(await tokenCount()).toBe(before);
    const ok = await runCli(['users', 'token', 'wang', '--label', '数'.repeat(200)], env);
    expect(ok.code).toBe(0);
    expect(ok.stdout.trim()).toMatch(/^hw_[A-Za-z0-9_-]{43}$/);
  });

  it('a label that shows nothing (spaces, zero-width characters) is no label, as a blank one is', async () => {
    const res = await runCli(['users', 'token', 'wang', '--label', ' \u200B\u2060\uFEFF '], env);
    expect(res.code).toBe(0);
    const stored = await cli.withDb((db) => db('api_tokens').orderBy('id', 'desc').first('label'));
    expect(stored.label).toBeNull();
  });

  it('a label with a line break, a tab or a direction override is exit 2, nothing written', async () => {
    const before = await tokenCount();
    for (const label of ['etl\nnightly', 'etl\tnightly', 'etl\u202Enightly']) {
      const res = await runCli(['users', 'token', 'wang', '--label', label], env);
      expect({ label, code: res.code, stdout: res.stdout }).toEqual({ label, code: 2, stdout: '' });
      expect(res.stderr).toMatch(/^--label: /);
    }
    expect(await tokenCount()).toBe(before);
  });

  it('--label with --revoke-all is a usage error, nothing revoked', async () => {
    await runCli(['users', 'token', 'wang'], env);
    const res = await runCli(['users', 'token', 'wang', '--revoke-all', '--label', 'etl'], env);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('--label');
    expect(res.stderr).toContain('--revoke-all');
    const valid = await cli.withDb((db) => db('api_tokens').whereNull('revoked_at').count({ n: '*' }));
    expect(Number(valid[0].n)).toBeGreaterThan(0);
  });

  it('a token for a disabled account is printed, and stderr says the API refuses it until the account is enabled', async () => {
    expect((await runCli(['users', 'disable', 'admin2'], env)).code).toBe(0);
    const res = await runCli(['users', 'token', 'admin2'], env);
    expect(res.code).toBe(0);
    expect(res.stdout.trim()).toMatch(/^hw_[A-Za-z0-9_-]{43}$/);
    expect(res.stderr).toContain('hubwatch users enable admin2');
    const enabled = await runCli(['users', 'token', 'wang'], env);
    expect(enabled.stderr).not.toContain('users enable');
  });

  it('a token expires after --expires-in-days (default 365): stdout is the token alone, stderr says when', async () => {
    const before = Date.now();
    const res = await runCli(['users', 'token', 'wang', '--label', 'etl', '--expires-in-days', '30'], env);
    expect(res.code).toBe(0);
    expect(res.stdout.trim()).toMatch(/^hw_[A-Za-z0-9_-]{43}$/);
    const stored = await cli.withDb((db) => db('api_tokens').orderBy('id', 'desc').first('expires_at', 'label'));
    expect(stored.label).toBe('etl');
    expect(Math.abs(stored.expires_at.getTime() - before - 30 * 86_400_000)).toBeLessThan(120_000);
    // On the university's clock (the service's zone here, Asia/Shanghai: UTC+8).
    const shanghai = new Date(stored.expires_at.getTime() + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
    // In the command line's language alone (it was both, whatever HUBWATCH_LOCALE said).
    expect(res.stderr).toBe(`有效期至：${shanghai} Asia/Shanghai（30 天）\n`);
    const english = await runCli(['users', 'token', 'wang', '--expires-in-days', '1'], { ...env, HUBWATCH_LOCALE: 'en' });
    expect(english.stderr).toMatch(/^expires: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d Asia\/Shanghai \(1 day\)\n$/);
    // Full-width digits, as a Chinese input method types them, are the same number.
    expect((await runCli(['users', 'token', 'wang', '--expires-in-days', '３６５'], env)).code).toBe(0);
    const byDefault = await runCli(['users', 'token', 'wang'], env);
    const latest = await cli.withDb((db) => db('api_tokens').orderBy('id', 'desc').first('expires_at'));
    expect(byDefault.stderr).toContain(
      `${new Date(latest.expires_at.getTime() + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ')} Asia/Shanghai`,
    );
    expect(Math.abs(latest.expires_at.getTime() - Date.now() - 365 * 86_400_000)).toBeLessThan(120_000);
  });

  it('--expires-in-days outside 1–730, or not a whole number, is exit 2 naming it in the chosen language, nothing written', async () => {
    const before = await tokenCount();
    for (const days of ['0', '731', '1.5', 'abc', '']) {
      const res = await runCli(['users', 'token', 'wang', '--expires-in-days', days], env);
      expect({ days, code: res.code, stdout: res.stdout }).toEqual({ days, code: 2, stdout: '' });
      expect(res.stderr).toMatch(/^--expires-in-days: .*1 到 730/);
    }
    const english = await runCli(['users', 'token', 'wang', '--expires-in-days', '1000'], { ...env, HUBWATCH_LOCALE: 'en' });
    expect(english.code).toBe(2);
    expect(english.stderr).toMatch(/^--expires-in-days: .*whole number from 1 to 730/);
    const both = await runCli(['users', 'token', 'wang', '--revoke-all', '--expires-in-days', '30'], env);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('--expires-in-days');
    expect(await tokenCount()).toBe(before);
  });

  it('--revoke-all with no valid token says nothing was revoked and writes no audit row', async () => {
    expect((await runCli(['users', 'token', 'wang', '--revoke-all'], env)).code).toBe(0);
    const rows = () => cli.withDb((db) => db('audit_log').where({ action: 'token.revoke' }).orderBy('seq').pluck('summary'));
    const after = await rows();
    const again = await runCli(['users', 'token', 'wang', '--revoke-all'], env);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe('没有可吊销的有效令牌，未作改动\n');
    const english = await runCli(['users', 'token', 'wang', '--revoke-all'], { ...env, HUBWATCH_LOCALE: 'en' });
    expect(english.stdout).toBe('no valid token to revoke: nothing changed\n');
    expect(await rows()).toEqual(after);
    expect(after.every((s: { revoked: number }) => s.revoked > 0)).toBe(true);
  });
});

import { authenticatePassword } from '../../server/services/users';
import { addCliUser, CliDatabase, runCli, startCliDatabase } from '../helpers/cli';

/**
 * `hubwatch users disable|enable|password LOGIN`: an account is disabled (its sessions end), enabled
 * again, or given a new password (piped, else generated and printed once; its sessions end) from the
 * command line. Exit 0 done, 2 for an unknown login or bad input, naming the argument.
 */
describe('hubwatch users disable, enable and password', () => {
  let cli: CliDatabase;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    cli = await startCliDatabase();
    ({ env } = cli);
    const add = (login: string, role: string) => addCliUser(env, login, role, 'the first password');
    expect((await add('root', 'admin')).code).toBe(0);
    expect((await add('zhao', 'user')).code).toBe(0);
  });
  afterAll(() => cli?.close());

  /** A signed-in session row of `login`, as the session store writes it. */
  const openSession = (login: string, sid: string) =>
    cli.withDb(async (db) => {
      const { id } = await db('users').where({ login }).first('id');
      await db('sessions').insert({
        sid,
        data: JSON.stringify({ cookie: {}, userId: Number(id), loginAt: Date.now() }),
        expires_at: new Date(Date.now() + 3600_000),
      });
    });
  const sessionExists = (sid: string) => cli.withDb(async (db) => !!(await db('sessions').where({ sid }).first()));

  it('has --help for each command, and the group lists them', async () => {
    for (const name of ['disable', 'enable', 'password']) {
      const help = await runCli(['users', name, '--help'], env);
      expect(help.code).toBe(0);
      expect(help.stdout).toContain(`hubwatch users ${name} LOGIN`);
    }
    const group = await runCli(['users', '--help'], env);
    expect(group.stdout).toContain('hubwatch users disable');
    expect(group.stdout).toContain('hubwatch users password');
  });

  it('an unknown login or a missing one: exit 2, nothing changed', async () => {
    for (const name of ['disable', 'enable', 'password']) {
      const unknown = await runCli(['users', name, 'nobody'], env);
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toBe('LOGIN: 账号“nobody”不存在\n');
      const missing = await runCli(['users', name], env);
      expect(missing.code).toBe(2);
      expect(missing.stderr).toContain(`hubwatch users ${name} LOGIN`);
    }
  });

  it('disable ends the sessions and refuses the password; enable lets the account back', async () => {
    await openSession('zhao', 'cli-zhao-1');
    const res = await runCli(['users', 'disable', 'zhao'], env);
    expect(res.code).toBe(0);
    expect(res.stdout).toBe('已停用账号：zhao（结束 1 个会话）\n');
    expect(await sessionExists('cli-zhao-1')).toBe(false);
    expect(await cli.withDb((db) => authenticatePassword(db, 'zhao', 'the first password'))).toBeNull();
    const again = await runCli(['users', 'disable', 'zhao'], env);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe('未改动：账号 zhao 已停用\n');
    const english = await runCli(['users', 'disable', 'zhao'], { ...env, HUBWATCH_LOCALE: 'en' });
    expect(english.stdout).toBe('unchanged: zhao is already disabled\n');

    expect(await runCli(['users', 'enable', 'zhao'], { ...env, HUBWATCH_LOCALE: 'en' })).toMatchObject({
      code: 0,
      stdout: 'enabled: zhao\n',
    });
    expect(await cli.withDb((db) => authenticatePassword(db, 'zhao', 'the first password'))).not.toBeNull();
    const actions = await cli.withDb((db) =>
      db('audit_log').whereIn('action', ['user.disable', 'user.enable']).orderBy('seq').pluck('action'),
    );
    expect(actions).toEqual(['user.disable', 'user.enable']);
  });

  it('the last enabled administrator is not disabled: exit 2 with the reason', async () => {
    const res = await runCli(['users', 'disable', 'root'], { ...env, HUBWATCH_LOCALE: 'en' });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('LOGIN: At least one enabled administrator account must remain');
    expect(await cli.withDb(async (db) => (await db('users').where({ login: 'root' }).first('disabled')).disabled)).toBe(false);
  });

  it('password: a piped one too short is refused (exit 2); a piped one is set; otherwise one is generated and printed once', async () => {
    const short = await runCli(['users', 'password', 'zhao'], env, 'short\n');
    expect(short.code).toBe(2);
    expect(short.stderr).toBe('stdin: 密码至少 10 位\n');
    expect(await cli.withDb((db) => authenticatePassword(db, 'zhao', 'the first password'))).not.toBeNull();

    await openSession('zhao', 'cli-zhao-2');
    const piped = await runCli(['users', 'password', 'zhao'], env, 'a second long password\n');
    expect(piped.code).toBe(0);
    expect(piped.stdout).toBe('已重置密码：zhao（结束 1 个会话）\n');
    expect(await sessionExists('cli-zhao-2')).toBe(false);
    expect(await cli.withDb((db) => authenticatePassword(db, 'zhao', 'the first password'))).toBeNull();
    expect(await cli.withDb((db) => authenticatePassword(db, 'zhao', 'a second long password'))).not.toBeNull();

    const generated = await runCli(['users', 'password', 'zhao'], env);
    expect(generated.code).toBe(0);
    const password = /^已重置密码：zhao（结束 0 个会话）\n新密码（仅显示一次）：([A-Za-z0-9]{16})\n$/.exec(generated.stdout)?.[1];
    expect(password).toBeDefined();
    expect(await cli.withDb((db) => authenticatePassword(db, 'zhao', password!))).not.toBeNull();
    const audit = await cli.withDb((db) => db('audit_log').where({ action: 'user.password_reset' }).orderBy('seq'));
    expect(audit.map((a) => a.summary.generated)).toEqual([false, true]);
    expect(JSON.stringify(audit)).not.toContain(password);
  });
});

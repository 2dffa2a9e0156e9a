import { authenticatePassword } from '../../server/services/users';
import { addCliUser, CliDatabase, runCli, startCliDatabase } from '../helpers/cli';

/**
 * `hubwatch users token|disable|enable|password LOGIN` find the account in any case, as sign-in does: logins are
 * unique in any case (`users add` refuses `itc.admin` beside `Itc.Admin`), yet the commands looked the login up
 * exactly and said 账号“itc.admin”不存在 (exit 2) for an account added as `Itc.Admin`. They name the account as
 * it is written.
 */
describe('hubwatch users commands: the login in any case', () => {
  let cli: CliDatabase;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    cli = await startCliDatabase();
    ({ env } = cli);
    for (const [login, role] of [
      ['Root', 'admin'],
      ['Itc.Admin', 'admin'],
    ]) {
      const add = await addCliUser(env, login, role, 'the first password');
      expect(add.code).toBe(0);
    }
  });
  afterAll(() => cli?.close());

  const account = () => cli.withDb(async (db) => db('users').where({ login: 'Itc.Admin' }).first());

  it('users token itc.admin issues a token to Itc.Admin, and --revoke-all revokes it', async () => {
    const res = await runCli(['users', 'token', 'itc.admin'], env);
    expect(res.code).toBe(0);
    expect(res.stdout.trim()).toMatch(/^hw_[A-Za-z0-9_-]{43}$/);
    const { id } = await account();
    const tokens = await cli.withDb((db) => db('api_tokens').where({ user_id: id }).whereNull('revoked_at'));
    expect(tokens).toHaveLength(1);

    const revoke = await runCli(['users', 'token', 'ITC.ADMIN', '--revoke-all'], env);
    expect(revoke.code).toBe(0);
    expect(revoke.stdout).toBe('已吊销 1 个令牌\n');
    expect((await runCli(['users', 'token', 'itc.admin'], env)).code).toBe(0);
    const english = await runCli(['users', 'token', 'ITC.ADMIN', '--revoke-all'], { ...env, HUBWATCH_LOCALE: 'en' });
    expect(english.stdout).toBe('revoked 1 token\n');
  });

  it('users disable ITC.ADMIN and enable itc.admin act on Itc.Admin, named as written', async () => {
    const disabled = await runCli(['users', 'disable', 'ITC.ADMIN'], env);
    expect(disabled.stderr).toBe('');
    expect(disabled.code).toBe(0);
    expect(disabled.stdout).toMatch(/^已停用账号：Itc\.Admin（/);
    expect((await account()).disabled).toBe(true);

    const enabled = await runCli(['users', 'enable', 'itc.admin'], env);
    expect(enabled.code).toBe(0);
    expect(enabled.stdout).toBe('已启用账号：Itc.Admin\n');
    expect((await account()).disabled).toBe(false);
  });

  it('users password ITC.ADMIN sets the password of Itc.Admin', async () => {
    const res = await runCli(['users', 'password', 'ITC.ADMIN'], env, 'a second long password\n');
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^已重置密码：Itc\.Admin（/);
    expect(await cli.withDb((db) => authenticatePassword(db, 'Itc.Admin', 'a second long password'))).not.toBeNull();
  });

  it('a login no account has in any case is still exit 2', async () => {
    const res = await runCli(['users', 'disable', 'itc.admins'], env);
    expect(res.code).toBe(2);
    expect(res.stderr).toBe('LOGIN: 账号“itc.admins”不存在\n');
  });
});

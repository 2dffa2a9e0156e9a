import { importCatalog } from '../../server/services/catalog/repository';
import { verifyPassword } from '../../server/services/users/passwords';
import { CliDatabase, runCli, startCliDatabase } from '../helpers/cli';

describe('hubwatch users and audit commands', () => {
  let cli: CliDatabase;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    cli = await startCliDatabase();
    ({ env } = cli);
  });
  afterAll(() => cli?.close());

  it('prints help for the program and for each command', async () => {
    const all = await runCli(['--help'], env);
    expect(all.code).toBe(0);
    expect(all.stdout).toContain('users add');
    expect(all.stdout).toContain('audit verify');
    const one = await runCli(['users', 'add', '--help'], env);
    expect(one.code).toBe(0);
    expect(one.stdout).toContain('--department');
    // A command group's --help lists its commands (exit 0); the bare group is still a usage error.
    for (const group of ['users', 'catalog', 'audit']) {
      const help = await runCli([group, '--help'], env);
      expect(help.code).toBe(0);
      expect(help.stdout).toContain(`hubwatch ${group} `);
    }
    expect((await runCli(['catalog', '-h'], env)).code).toBe(0);
    expect((await runCli(['users'], env)).code).toBe(2);
  });

  it('adds a user with a generated password printed once, and refuses bad input naming the option', async () => {
    const created = await runCli(
      [
        'users',
        'add',
        '--login',
        'zhang',
        '--name',
        '张三',
        '--department',
        'ITC',
        '--department-name',
        '信息与网络管理中心',
        '--role',
        'it_office',
      ],
      env,
    );
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/^已创建账号：zhang（ITC；it_office）\n初始密码（仅显示一次）：[A-Za-z0-9]{16}\n$/);
    const english = await runCli(
      ['users', 'add', '--login', 'zhang2', '--name', '张三', '--department', 'ITC', '--role', 'user'],
      { ...env, HUBWATCH_LOCALE: 'en' },
    );
    expect(english.stdout).toMatch(/^created: zhang2 \(ITC; user\)\ninitial password \(shown once\): [A-Za-z0-9]{16}\n$/);

    const bad = await runCli(
      ['users', 'add', '--login', 'li', '--name', '李四', '--department', 'NOPE', '--role', 'wizard'],
      env,
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--role');
    expect(bad.stderr).toContain('--department');
    await cli.withDb(async (db) => expect(await db('users').where({ login: 'li' })).toHaveLength(0));
  });

  it('takes the password from standard input', async () => {
    const res = await runCli(
      ['users', 'add', '--login', 'wang', '--name', '王五', '--department', 'ITC', '--role', 'steward', '--role', 'user'],
      env,
      'a long enough password\n',
    );
    expect(res.code).toBe(0);
    expect(res.stdout).toBe('已创建账号：wang（ITC；steward, user）\n');
    await cli.withDb(async (db) => {
      const row = await db('users').where({ login: 'wang' }).first();
      expect(row.roles).toEqual(['steward', 'user']);
      // The password typed, hashed (argon2id; its cost is test/unit/password-policy.test.ts's).
      expect(row.password_hash).toMatch(/^\$argon2id\$/);
      expect(await verifyPassword(row.password_hash, 'a long enough password')).toBe(true);
    });
  });

  it('takes a department code in any case, as the department spells it, and creates no second one', async () => {
    const res = await runCli(
      [
        'users',
        'add',
        '--login',
        'zhao',
        '--name',
        '赵六',
        '--department',
        'itc',
        '--department-name',
        '信息办',
        '--role',
        'user',
      ],
      env,
      'a long enough password\n',
    );
    expect(res.code).toBe(0);
    await cli.withDb(async (db) => {
      expect((await db('users').where({ login: 'zhao' }).first()).department_code).toBe('ITC');
      expect(await db('departments').whereRaw('lower(code) = ?', ['itc']).pluck('code')).toEqual(['ITC']);
    });
  });

  it('creates no department once a catalog is imported: departments are the catalog’s (exit 2, the option named, nothing written)', async () => {
    await cli.withDb(async (db) => {
      const imported = await importCatalog(
        db,
        'departments:\n  - { code: ITC, name: 信息与网络管理中心 }\ntables:\n  - { name: org_unit, department: ITC, sharing: universal, key: [unit_code], updated_at: update_time }\n',
      );
      expect(imported.problems).toEqual([]);
    });
    const res = await runCli(
      [
        'users',
        'add',
        '--login',
        'qian',
        '--name',
        '钱七',
        '--department',
        'NEWD',
        '--department-name',
        '新部门',
        '--role',
        'user',
      ],
      env,
      'a long enough password\n',
    );
    expect(res.code).toBe(2);
    expect(res.stderr).toBe(
      '--department: 已导入数据目录，部门以目录为准：这里不能新建部门“NEWD”，请先在数据目录中登记它，或选用已有的部门\n',
    );
    await cli.withDb(async (db) => {
      expect(await db('departments').where({ code: 'NEWD' })).toEqual([]);
      expect(await db('users').where({ login: 'qian' })).toEqual([]);
    });
    // An existing department still takes the account.
    const existing = await runCli(
      ['users', 'add', '--login', 'qian', '--name', '钱七', '--department', 'itc', '--role', 'user'],
      env,
      'a long enough password\n',
    );
    expect(existing.code).toBe(0);
  });

  it('prints a new API token', async () => {
    const res = await runCli(['users', 'token', 'zhang'], env);
    expect(res.code).toBe(0);
    expect(res.stdout.trim()).toMatch(/^hw_[A-Za-z0-9_-]{43}$/);
    const unknown = await runCli(['users', 'token', 'nobody'], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('nobody');
    // Named as disable, enable and password name it.
    expect(unknown.stderr).toMatch(/^LOGIN: /);
  });

  it("verifies the audit chain, and names the row edited behind the service's back", async () => {
    const intact = await runCli(['audit', 'verify'], env);
    expect(intact.code).toBe(0);
    // In the command line's language (Chinese here), then in English when HUBWATCH_LOCALE says so.
    expect(intact.stdout).toMatch(/^审计日志完整：\d+ 行\n链首：\d+:[0-9a-f]{64}\n$/);
    const intactInEnglish = await runCli(['audit', 'verify'], { ...env, HUBWATCH_LOCALE: 'en' });
    expect(intactInEnglish.stdout).toMatch(/^audit log intact: \d+ rows\nhead: \d+:[0-9a-f]{64}\n$/);

    const edited = await cli.withDb(async (db) => {
      const row = await db('audit_log').where({ action: 'user.create' }).orderBy('seq').first();
      await db('audit_log')
        .where({ seq: row.seq })
        .update({ summary: JSON.stringify({ after: { login: 'someone-else' } }) });
      return row.seq as number;
    });
    const tampered = await runCli(['audit', 'verify'], env);
    expect(tampered.code).toBe(1);
    expect(tampered.stdout).toBe(
      `审计日志被篡改：第一处问题在第 ${edited} 行（被修改）：第 ${edited} 行的内容与其哈希不符（被修改）\n`,
    );
    const english = await runCli(['audit', 'verify'], { ...env, HUBWATCH_LOCALE: 'en' });
    expect(english.stdout).toBe(
      `audit log tampered: first bad row seq ${edited} (edited): row ${edited}: its content does not match its row_hash (edited)\n`,
    );
  });

  it('tells rows deleted from the end of the log by a head recorded earlier (--anchor)', async () => {
    // A fresh chain (the test above edited a row): the verify output's head is the anchor to keep.
    await cli.withDb((db) => db('audit_log').delete());
    for (const login of ['anchor1', 'anchor2', 'anchor3'])
      expect(
        (await runCli(['users', 'add', '--login', login, '--name', login, '--department', 'ITC', '--role', 'user'], env)).code,
      ).toBe(0);
    const first = await runCli(['audit', 'verify'], env);
    const head = /链首：(\d+:[0-9a-f]{64})/.exec(first.stdout)![1];
    expect((await runCli(['audit', 'verify', '--anchor', head], env)).code).toBe(0);

    // The last two rows go: the chain left is valid, only the anchor shows it.
    const seq = Number(head.split(':')[0]);
    await cli.withDb((db) =>
      db('audit_log')
        .where('seq', '>=', seq - 1)
        .delete(),
    );
    expect((await runCli(['audit', 'verify'], env)).code).toBe(0);
    const truncated = await runCli(['audit', 'verify', '--anchor', head], env);
    expect(truncated.code).toBe(1);
    expect(truncated.stdout).toContain(`第 ${seq - 1}–${seq} 行（记录的链首）已从末尾被删除`);
    const english = await runCli(['audit', 'verify', '--anchor', head], { ...env, HUBWATCH_LOCALE: 'en' });
    expect(english.stdout).toContain(`rows ${seq - 1}–${seq} (the recorded head) were deleted from its end`);

    const bad = await runCli(['audit', 'verify', '--anchor', 'yesterday'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--anchor');
  });

  it('rejects unknown commands and options with usage', async () => {
    expect((await runCli(['frobnicate'], env)).code).toBe(2);
    // A group's unknown command is named before the group's commands (the list alone left it to be guessed).
    const inGroup = await runCli(['users', 'frob'], env);
    expect(inGroup.code).toBe(2);
    expect(inGroup.stderr).toMatch(/^未知命令：hubwatch users frob\n用法 \/ Usage:\n {2}hubwatch users add/);
    const english = await runCli(['users', 'frob'], { ...env, HUBWATCH_LOCALE: 'en' });
    expect(english.stderr).toMatch(/^unknown command: hubwatch users frob\n用法 \/ Usage:\n {2}hubwatch users add/);
    // `help users` is `users --help` (it printed the whole overview).
    const help = await runCli(['help', 'users'], env);
    expect(help).toMatchObject({ code: 0, stdout: (await runCli(['users', '--help'], env)).stdout });
    expect(help.stdout).toMatch(/^用法 \/ Usage:\n {2}hubwatch users add/);
    const res = await runCli(['users', 'add', '--bogus'], env);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('bogus');
  });
});

import type { Command } from '../command';
import { ValidationError } from '../../server/errors';
import { createUser, findUserByLogin, issueApiToken, revokeApiTokens, UnknownUserError } from '../../server/services/users';
import { EXIT, print, readStdin } from '../io';
import { cliTranslator } from '../locale';
import { withRuntime } from '../with-runtime';

export const usersAddCommand: Command = {
  name: 'users add',
  summary: '添加账号 / add an account',
  usage: [
    'hubwatch users add --login L --name N --department CODE --role R [--role R2] [--email E] [--department-name NAME]',
    '',
    '  Roles: admin, it_office, steward, dept_leader, univ_leader, user (repeat --role for several).',
    '  The password is read from standard input when piped (echo "…" | hubwatch users add …);',
    '  otherwise one is generated and printed once.',
    '  --department-name creates the department when it does not exist yet (before any catalog import).',
  ].join('\n'),
  options: {
    login: { type: 'string' },
    name: { type: 'string' },
    department: { type: 'string' },
    role: { type: 'string', multiple: true },
    email: { type: 'string' },
    'department-name': { type: 'string' },
  },
  async run({ values }, io) {
    const t = cliTranslator(io);
    const missing = ['login', 'name', 'department', 'role'].filter((k) => !values[k]);
    if (missing.length) {
      print(io.stderr, `缺少参数 / missing: ${missing.map((m) => `--${m}`).join(', ')}`);
      return EXIT.usage;
    }
    const password = (await readStdin(io)).split(/\r?\n/)[0] || null;
    return withRuntime(io, 'users add', async ({ db }) => {
      try {
        const { user, generatedPassword } = await createUser(db, {
          login: String(values.login),
          name: String(values.name),
          department: String(values.department),
          roles: values.role as string[],
          email: (values.email as string) ?? null,
          password,
          departmentName: (values['department-name'] as string) ?? null,
        });
        print(io.stdout, `已创建账号 / created: ${user.login} (${user.department_code}; ${user.roles.join(', ')})`);
        if (generatedPassword) print(io.stdout, `初始密码（仅显示一次）/ initial password (shown once): ${generatedPassword}`);
        return EXIT.ok;
      } catch (err) {
        if (!(err instanceof ValidationError)) throw err;
        for (const f of err.fields) print(io.stderr, `--${f.field}: ${t(f.key, f.params)}`);
        return EXIT.usage;
      }
    });
  },
};

export const usersTokenCommand: Command = {
  name: 'users token',
  summary: '为账号签发 API 令牌 / issue an API token for an account',
  usage:
    "hubwatch users token LOGIN [--label TEXT] [--revoke-all]\n\n  Prints a new token once (only its hash is stored). --revoke-all revokes the account's tokens instead.",
  options: { label: { type: 'string' }, 'revoke-all': { type: 'boolean' } },
  allowPositionals: true,
  async run({ values, positionals }, io) {
    const t = cliTranslator(io);
    if (positionals.length !== 1) {
      print(io.stderr, '用法 / usage: hubwatch users token LOGIN');
      return EXIT.usage;
    }
    return withRuntime(io, 'users token', async ({ db }) => {
      const user = await findUserByLogin(db, positionals[0]);
      if (!user) {
        const err = new UnknownUserError(positionals[0]);
        print(io.stderr, t(err.messageKey, err.params));
        return EXIT.usage;
      }
      if (values['revoke-all']) {
        const n = await revokeApiTokens(db, user.id);
        print(io.stdout, `已吊销 ${n} 个令牌 / revoked ${n} token(s)`);
        return EXIT.ok;
      }
      print(io.stdout, await issueApiToken(db, user.id, (values.label as string) ?? null));
      return EXIT.ok;
    });
  },
};

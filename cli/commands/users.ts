import type { Command } from '../command';
import { ValidationError } from '../../server/errors';
import { wallClockText } from '../../server/services/calendar/zone';
import { universityTimezone } from '../../server/services/catalog/repository';
import {
  API_TOKEN_DAYS,
  createApiToken,
  createUser,
  findUserForSignIn,
  resetPassword,
  revokeApiTokens,
  setUserDisabled,
  typedTokenOptions,
  UnknownUserError,
  type UserRow,
} from '../../server/services/users';
import type { Knex } from 'knex';
import type { CliIo } from '../io';
import { EXIT, print, readStdin } from '../io';
import { cliTranslator } from '../locale';
import { withServiceRuntime } from '../with-runtime';

export const usersAddCommand: Command = {
  name: 'users add',
  summary: '添加账号 / add an account',
  usage: 'hubwatch users add --login L --name N --department CODE --role R [--role R2] [--email E] [--department-name NAME]',
  help: {
    zh: [
      '角色：admin、it_office、steward、dept_leader、univ_leader、user（多个角色请重复 --role）。',
      '密码从管道传入的标准输入读取（echo "…" | hubwatch users add …）；',
      '否则自动生成一个，只显示这一次。',
      '--department-name：部门尚不存在时以此名称创建该部门（用于首次导入数据目录之前）。',
    ],
    en: [
      'Roles: admin, it_office, steward, dept_leader, univ_leader, user (repeat --role for several).',
      'The password is read from standard input when piped (echo "…" | hubwatch users add …);',
      'otherwise one is generated and printed once.',
      '--department-name creates the department when it does not exist yet (before any catalog import).',
    ],
  },
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
      print(io.stderr, t('cli.missingOptions', { options: missing.map((m) => `--${m}`).join(', ') }));
      return EXIT.usage;
    }
    const password = (await readStdin(io)).split(/\r?\n/)[0] || null;
    return withServiceRuntime(io, 'users add', async ({ db }) => {
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
        print(
          io.stdout,
          t('cli.result.created', { login: user.login, department: user.department_code, roles: user.roles.join(', ') }),
        );
        if (generatedPassword) print(io.stdout, t('cli.result.initialPassword', { password: generatedPassword }));
        return EXIT.ok;
      } catch (err) {
        if (!(err instanceof ValidationError)) throw err;
        // Each problem by the option it came from; the password came from standard input (there is no --password).
        for (const f of err.fields)
          print(io.stderr, `${f.field === 'password' ? 'stdin' : `--${f.field}`}: ${t(f.key, f.params)}`);
        return EXIT.usage;
      }
    });
  },
};

export const usersTokenCommand: Command = {
  name: 'users token',
  summary: '为账号签发 API 令牌 / issue an API token for an account',
  usage: 'hubwatch users token LOGIN [--label TEXT] [--expires-in-days N] [--revoke-all]',
  help: {
    zh: [
      '签发一个新令牌并只显示这一次（只保存其哈希）。--revoke-all 则改为吊销该账号的令牌。',
      '--label：一行文字，至多 200 个字符（随令牌保存，并记入审计日志）。',
      `--expires-in-days：超过此天数后 API 拒绝该令牌（默认 ${API_TOKEN_DAYS.default} 天，至多 ${API_TOKEN_DAYS.max} 天）；`,
      'stderr 会说明到期时间。令牌设有效期之前签发的旧令牌，在吊销前一直有效。',
      '已停用账号的令牌，在账号重新启用前会被 API 拒绝（stderr 会提示）。',
    ],
    en: [
      "Prints a new token once (only its hash is stored). --revoke-all revokes the account's tokens instead.",
      '--label: one line, at most 200 characters (kept with the token and in the audit log).',
      `--expires-in-days: the API refuses the token after this many days (default ${API_TOKEN_DAYS.default}, at most ${API_TOKEN_DAYS.max});`,
      'stderr says when it expires. Tokens issued before tokens expired keep working until revoked.',
      "A disabled account's token is refused by the API until the account is enabled (stderr says so).",
    ],
  },
  options: { label: { type: 'string' }, 'expires-in-days': { type: 'string' }, 'revoke-all': { type: 'boolean' } },
  allowPositionals: true,
  async run({ values, positionals }, io) {
    const t = cliTranslator(io);
    if (loginArgument(positionals, 'token', io) === null) return EXIT.usage;
    for (const option of ['label', 'expires-in-days'] as const) {
      if (values['revoke-all'] && values[option] !== undefined) {
        print(io.stderr, t('cli.tokenOptionWithRevoke', { option: `--${option}` }));
        return EXIT.usage;
      }
    }
    // The account page's rules (services/users typedTokenOptions), each problem by the option it came from.
    let options: { label: string | null; expiresInDays: number };
    try {
      options = typedTokenOptions({
        label: typeof values.label === 'string' ? values.label : null,
        expiresInDays: values['expires-in-days'] === undefined ? null : String(values['expires-in-days']),
      });
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      for (const f of err.fields)
        print(io.stderr, `--${f.field === 'label' ? 'label' : 'expires-in-days'}: ${t(f.key, f.params)}`);
      return EXIT.usage;
    }
    const { label, expiresInDays } = options;
    return withServiceRuntime(io, 'users token', async ({ db, config }) => {
      const user = await findUserForSignIn(db, positionals[0]);
      if (!user) {
        const err = new UnknownUserError(positionals[0]);
        // Named as disable, enable and password name it.
        print(io.stderr, `LOGIN: ${t(err.messageKey, err.params)}`);
        return EXIT.usage;
      }
      if (values['revoke-all']) {
        const n = await revokeApiTokens(db, user.id);
        print(io.stdout, n ? t('cli.result.tokensRevoked', { count: n }) : t('cli.result.noTokenToRevoke'));
        return EXIT.ok;
      }
      const { token, expiresAt } = await createApiToken(db, user.id, { label, expiresInDays });
      // stdout is the token alone (scripts read it); when it expires goes beside it.
      print(io.stdout, token);
      // On the university's clock (the catalog's zone), as every time people read: 23:30 UTC is the next day there.
      const zone = await universityTimezone(db, config.timezone);
      print(io.stderr, t('cli.tokenExpires', { at: wallClockText(expiresAt, zone), zone, days: expiresInDays }));
      // Issued all the same (it works once the account is enabled), but the operator handing it on must know.
      if (user.disabled) print(io.stderr, t('cli.tokenAccountDisabled', { login: user.login }));
      return EXIT.ok;
    });
  },
};

/** The one LOGIN argument of `hubwatch users <name> LOGIN`, or null after printing the usage (exit 2). */
function loginArgument(positionals: string[], name: string, io: CliIo): string | null {
  if (positionals.length === 1) return positionals[0];
  // What was wrong first, as `catalog import` says it, then the usage.
  const extra = positionals.slice(1).join(' ');
  const t = cliTranslator(io);
  print(io.stderr, positionals.length === 0 ? t('cli.loginMissing') : t('cli.loginExtra', { argument: extra }));
  print(io.stderr, `\n用法 / Usage: hubwatch users ${name} LOGIN`);
  return null;
}

/**
 * The account named LOGIN in any case, as sign-in finds it (`itc.admin` is `Itc.Admin`: logins are unique in any
 * case), or null after saying there is none (exit 2).
 */
async function accountOrSay(db: Knex, login: string, io: CliIo): Promise<UserRow | null> {
  const user = await findUserForSignIn(db, login);
  if (!user) {
    const err = new UnknownUserError(login);
    print(io.stderr, `LOGIN: ${cliTranslator(io)(err.messageKey, err.params)}`);
    return null;
  }
  return user;
}

function disableCommand(disabled: boolean): Command {
  const name = disabled ? 'disable' : 'enable';
  return {
    name: `users ${name}`,
    summary: disabled
      ? '停用账号并结束其会话 / disable an account and end its sessions'
      : '重新启用账号 / enable an account again',
    usage: `hubwatch users ${name} LOGIN`,
    help: disabled
      ? {
          zh: [
            '该账号不能再登录，其会话立即结束，其 API 令牌被拒绝（直到重新启用）。',
            '不能停用最后一个启用中的管理员（退出码 2）。',
          ],
          en: [
            'The account can no longer sign in, its sessions end at once and its API tokens are refused',
            '(until it is enabled again). The last enabled administrator cannot be disabled (exit 2).',
          ],
        }
      : {
          zh: ['该账号可以再次登录（密码保持原样）。'],
          en: ['The account can sign in again (with its password as it was).'],
        },
    allowPositionals: true,
    async run({ positionals }, io) {
      const t = cliTranslator(io);
      const typed = loginArgument(positionals, name, io);
      if (typed === null) return EXIT.usage;
      return withServiceRuntime(io, `users ${name}`, async ({ db }) => {
        const user = await accountOrSay(db, typed, io);
        if (!user) return EXIT.usage;
        const { login } = user;
        try {
          const { changed, sessionsEnded } = await setUserDisabled(db, user.id, disabled, null);
          const said = !changed
            ? t(disabled ? 'cli.result.alreadyDisabled' : 'cli.result.alreadyEnabled', { login })
            : disabled
              ? t('cli.result.disabled', { login, sessions: sessionsEnded })
              : t('cli.result.enabled', { login });
          print(io.stdout, said);
          return EXIT.ok;
        } catch (err) {
          if (!(err instanceof ValidationError)) throw err;
          for (const f of err.fields) print(io.stderr, `LOGIN: ${t(f.key, f.params)}`);
          return EXIT.usage;
        }
      });
    },
  };
}

export const usersDisableCommand = disableCommand(true);
export const usersEnableCommand = disableCommand(false);

export const usersPasswordCommand: Command = {
  name: 'users password',
  summary: "重置账号密码并结束其会话 / reset an account's password and end its sessions",
  usage: 'hubwatch users password LOGIN',
  help: {
    zh: [
      '新密码从管道传入的标准输入读取（echo "…" | hubwatch users password LOGIN）；',
      '否则自动生成一个，只显示这一次。该账号的所有会话都会结束。',
    ],
    en: [
      'The new password is read from standard input when piped (echo "…" | hubwatch users password LOGIN);',
      'otherwise one is generated and printed once. Every session of the account ends.',
    ],
  },
  allowPositionals: true,
  async run({ positionals }, io) {
    const t = cliTranslator(io);
    const typed = loginArgument(positionals, 'password', io);
    if (typed === null) return EXIT.usage;
    const password = (await readStdin(io)).split(/\r?\n/)[0] || null;
    return withServiceRuntime(io, 'users password', async ({ db }) => {
      const user = await accountOrSay(db, typed, io);
      if (!user) return EXIT.usage;
      const { login } = user;
      try {
        const { generatedPassword, sessionsEnded } = await resetPassword(db, user.id, password, null);
        print(io.stdout, t('cli.result.passwordReset', { login, sessions: sessionsEnded }));
        if (generatedPassword) print(io.stdout, t('cli.result.newPassword', { password: generatedPassword }));
        return EXIT.ok;
      } catch (err) {
        if (!(err instanceof ValidationError)) throw err;
        for (const f of err.fields) print(io.stderr, `stdin: ${t(f.key, f.params)}`);
        return EXIT.usage;
      }
    });
  },
};

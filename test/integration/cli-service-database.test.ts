import { cliEnvironment, runCli } from '../helpers/cli';
import { usingRealPostgres } from '../helpers/database';

// A DATABASE_URL that cannot be opened is named as the setting it is (exit 1), without its password: the driver's
// words alone (`database "x" does not exist`) read as a problem of the hub or of the command.
describe('a service database that cannot be opened', () => {
  const cases: [string, string, RegExp][] = [
    ['no server at the address', 'postgres://hubwatch:s3cret-pw@127.0.0.1:1/hubwatch', /ECONNREFUSED/],
    // The driver takes a password in the query string too.
    ['no server, the password in the query', 'postgres://hubwatch@127.0.0.1:1/hubwatch?password=s3cret-pw', /ECONNREFUSED/],
  ];
  if (usingRealPostgres()) {
    const missing = new URL(process.env.TEST_DATABASE_URL!);
    missing.pathname = '/hubwatch_no_such_service_db';
    missing.password = 's3cret-pw';
    cases.push(['a database that does not exist', missing.toString(), /database "hubwatch_no_such_service_db" does not exist/]);
  }

  it.each(cases)('%s: exit 1 naming DATABASE_URL and the address, not the password', async (_what, url, driverWords) => {
    const { env, cleanup } = cliEnvironment();
    try {
      const res = await runCli(['tickets', 'list'], { ...env, DATABASE_URL: url });
      expect(res.code).toBe(1);
      // In the command line's language alone (HUBWATCH_LOCALE=zh-CN here): it was both, whatever the language.
      expect(res.stderr).toMatch(/^配置错误：\n {2}- DATABASE_URL: 服务数据库 postgres:\/\/\S+ 无法打开：/);
      expect(res.stderr).not.toContain('could not be opened');
      expect(res.stderr).toMatch(driverWords);
      expect(res.stderr).not.toContain('s3cret-pw');
      expect(res.stdout).toBe('');
    } finally {
      cleanup();
    }
  });
});

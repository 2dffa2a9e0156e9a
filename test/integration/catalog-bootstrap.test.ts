import { accountsBox, bootstrapEmbeddedDemo, DEMO_ACCOUNTS } from '../../server/bootstrap/embedded-demo';
import { loadConfig } from '../../server/config';
import { openRuntime } from '../../server/runtime';
import { authenticatePassword } from '../../server/services/users';
import { cliEnvironment } from '../helpers/cli';

describe('first start on the embedded default', () => {
  const env = cliEnvironment();
  afterAll(() => env.cleanup());

  it('builds the demo hub, imports the example catalog and creates demo accounts exactly once', async () => {
    const config = loadConfig({ ...env.env, HUB_DATABASE_URL: '' }, process.cwd());
    const lines: string[] = [];
    const runtime = await openRuntime(config, 'test');
    try {
      const first = await bootstrapEmbeddedDemo(runtime, (l) => lines.push(l));
      expect(first.ran).toBe(true);
      expect(first.accounts.map((a) => a.login)).toEqual(DEMO_ACCOUNTS.map((a) => a.login));
      const roles = new Set(first.accounts.map((a) => a.role));
      expect([...roles].sort()).toEqual(['admin', 'dept_leader', 'it_office', 'steward', 'univ_leader', 'user']);
      // Two IT-office people: a sharing request's first and final review are decided by different ones.
      expect(first.accounts.filter((a) => a.role === 'it_office').map((a) => [a.login, a.name])).toEqual([
        ['itoffice', '信息办数据专员'],
        ['itchief', '信息办主管领导'],
      ]);
      // Printed once: every login with its password, in the box.
      for (const account of first.accounts) {
        expect(lines.some((l) => l.startsWith(`| ${account.login} `) && l.includes(` ${account.password} |`))).toBe(true);
      }
      const org = first.accounts.find((a) => a.login === 'org.steward')!;
      expect(await authenticatePassword(runtime.db, 'org.steward', org.password)).toMatchObject({
        department_code: 'ORG',
        roles: ['steward'],
      });
      const hr = await runtime.db('users').where({ login: 'hr.leader' }).first();
      expect([hr.department_code, hr.roles]).toEqual(['HR', ['dept_leader']]);

      const versions = await runtime.db('catalog_versions').select('origin');
      expect(versions).toEqual([{ origin: 'bootstrap' }]);
      expect(Number((await runtime.db('catalog_tables').count({ n: '*' }))[0].n)).toBe(8);
      // The demo hub is there and matches the catalog.
      const staff = await runtime.hub.knex.raw('select count(*) as n from staff_basic');
      expect(Number(staff.rows[0].n)).toBe(2000);
      // The hub started as a copy of the service's cluster before its migrations: none of the service's
      // tables (accounts, password hashes, sessions) is in it.
      const serviceTables = await runtime.hub.knex.raw(
        "select count(*) as n from information_schema.tables where table_name in ('users', 'sessions', 'knex_migrations', 'audit_log')",
      );
      expect(Number(serviceTables.rows[0].n)).toBe(0);
    } finally {
      await runtime.close();
    }

    // Second start: nothing happens, nothing is printed.
    const again = await openRuntime(config, 'test');
    try {
      const more: string[] = [];
      const second = await bootstrapEmbeddedDemo(again, (l) => more.push(l));
      expect(second).toEqual({ ran: false, accounts: [] });
      expect(more).toEqual([]);
      expect(Number((await again.db('catalog_versions').count({ n: '*' }))[0].n)).toBe(1);
      expect(Number((await again.db('users').count({ n: '*' }))[0].n)).toBe(DEMO_ACCOUNTS.length);
    } finally {
      await again.close();
    }
    // Builds the whole embedded demo hub in PGlite (WASM): ~20–30 s alone, over 100 s on a loaded 2-vCPU machine, and
    // over 240 s in a CI run beside two other test runs. The limit only stops a hang.
  }, 600_000);

  it('with HUB_DATABASE_URL set generates nothing', async () => {
    const other = cliEnvironment();
    const config = loadConfig({ ...other.env, HUB_DATABASE_URL: 'postgres://hub@127.0.0.1:1/campus_hub' }, process.cwd());
    const runtime = await openRuntime(config, 'test');
    try {
      const lines: string[] = [];
      expect(await bootstrapEmbeddedDemo(runtime, (l) => lines.push(l))).toEqual({ ran: false, accounts: [] });
      expect(lines).toEqual([]);
      expect(await runtime.db('catalog_versions').first()).toBeUndefined();
      expect(await runtime.db('users').first()).toBeUndefined();
    } finally {
      await runtime.close();
      other.cleanup();
    }
  });

  it('draws the accounts as an aligned box', () => {
    const box = accountsBox([
      { login: 'admin', name: '管理员', role: 'admin', department: 'ITC', password: 'p1' },
      { login: 'hr.steward', name: '专员', role: 'steward', department: 'HR', password: 'secret22' },
    ]);
    expect(box).toEqual([
      '+------------+---------+------+----------+',
      '| login      | role    | dept | password |',
      '+------------+---------+------+----------+',
      '| admin      | admin   | ITC  | p1       |',
      '| hr.steward | steward | HR   | secret22 |',
      '+------------+---------+------+----------+',
    ]);
  });
});

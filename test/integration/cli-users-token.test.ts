import path from 'node:path';
import type { Knex } from 'knex';
import { openPglite } from '../../server/db/connect';
import { cliEnvironment, runCli } from '../helpers/cli';
import { createTestDatabase, TestDatabase, usingRealPostgres } from '../helpers/database';

/**
 * `hubwatch users token LOGIN [--label T] [--revoke-all]` as an operator uses it. A label over the column's 200
 * characters ended on exit 1 with the SQL statement (`错误 / error: insert into "api_tokens" … value too long`);
 * one with a line break or a tab was stored as typed (it is shown in the audit log, on one line); `--label` beside
 * `--revoke-all` was silently ignored; and a token issued to a disabled account was printed without a word,
 * though the API refuses it until the account is enabled again.
 */
describe('hubwatch users token', () => {
  let pgDb: TestDatabase | undefined;
  let env: NodeJS.ProcessEnv;
  let cleanup: () => void;
  let dataDir: string;

  beforeAll(async () => {
    if (usingRealPostgres()) pgDb = await createTestDatabase();
    ({ env, cleanup, dataDir } = cliEnvironment(pgDb?.url));
    const created = await runCli(
      ['users', 'add', '--login', 'wang', '--name', '王五', '--department', 'ITC', '--department-name', '信息中心'],
      env,
    );
    expect(created.code).toBe(2); // no --role: a usage error, nothing added
    for (const login of ['wang', 'admin2']) {
      const add = await runCli(
        [
          'users',
          'add',
          '--login',
          login,
          '--name',
          login,
          '--department',
          'ITC',
          '--department-name',
          '信息中心',
          '--role',
          'admin',
        ],
        env,
      );
      expect(add.code).toBe(0);
    }
  });
  afterAll(async () => {
    await pgDb?.close();
    cleanup();
  });

  async function withDb<T>(fn: (db: Knex) => Promise<T>): Promise<T> {
    if (pgDb) return fn(pgDb.knex);
    const db = await openPglite(path.join(dataDir, 'db'));
    try {
      return await fn(db.knex);
    } finally {
      await db.close();
    }
  }
  const tokenCount = () => withDb(async (db) => Number((await db('api_tokens').count({ n: '*' }))[0].n));

  it('a label over 200 characters is exit 2 naming --label, no SQL, nothing written', async () => {
    const before = await tokenCount();
    const res = await runCli(['users', 'token', 'wang', '--label', 'x'.repeat(201)], env);
    expect(res.code).toBe(2);
    expect(res.stdout).toBe('');
    expect(res.stderr).toMatch(/^--label: .*200/);
    expect(res.stderr).not.toMatch(/insert into|api_tokens|varying/);
    expect(await tokenCount()).toBe(before);
    const ok = await runCli(['users', 'token', 'wang', '--label', '数'.repeat(200)], env);
    expect(ok.code).toBe(0);
    expect(ok.stdout.trim()).toMatch(/^hw_[A-Za-z0-9_-]{43}$/);
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
    const valid = await withDb((db) => db('api_tokens').whereNull('revoked_at').count({ n: '*' }));
    expect(Number(valid[0].n)).toBeGreaterThan(0);
  });

  it('a token for a disabled account is printed, and stderr says the API refuses it until the account is enabled', async () => {
    expect((await runCli(['users', 'disable', 'admin2'], env)).code).toBe(0);
    const res = await runCli(['users', 'token', 'admin2'], env);
    expect(res.code).toBe(0);
    expect(res.stdout.trim()).toMatch(/^hw_[A-Za-z0-9_-]{43}$/);
    expect(res.stderr).toContain('hubwatch users enable admin2');
    const enabled = await runCli(['users', 'token', 'wang'], env);
    expect(enabled.stderr).toBe('');
  });
});

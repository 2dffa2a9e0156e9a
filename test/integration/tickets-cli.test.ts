import type { Knex } from 'knex';
import { buildTicket, exampleCatalog, seedCatalogDepartments } from '../factories/tickets';
import { CliDatabase, runCli, startCliDatabase } from '../helpers/cli';

const catalog = exampleCatalog();
const T0 = new Date('2026-09-30T02:00:00Z');

describe('hubwatch tickets list', () => {
  let cli: CliDatabase;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    cli = await startCliDatabase();
    ({ env } = cli);
    expect((await runCli(['migrate'], env)).code).toBe(0);
    await cli.withDb(async (db) => {
      await seedCatalogDepartments(db, catalog);
      await buildTicket(db, catalog, T0, { field: 'staff_no' });
      const closed = await buildTicket(db, catalog, T0, {
        check: 'freshness',
        field: null,
        table: 'library_loan',
        department: 'LIB',
        severity: 'low',
      });
      await db('tickets').where({ id: closed.id }).update({ status: 'closed', closed_reason: '图书馆系统停用' });
    });
  });
  afterAll(() => cli?.close());

  it('prints every status as a JSON array of the public ticket shape', async () => {
    const res = await runCli(['tickets', 'list', '--json'], env);
    expect(res.code).toBe(0);
    const tickets = JSON.parse(res.stdout);
    expect(tickets).toHaveLength(2);
    const [hr, lib] = [
      tickets.find((x: { department: string }) => x.department === 'HR'),
      tickets.find((x: { department: string }) => x.department === 'LIB'),
    ];
    expect(hr).toEqual(
      expect.objectContaining({
        id: expect.any(Number),
        status: 'open',
        department: 'HR',
        table: 'staff_basic',
        field: 'staff_no',
        check: 'deadline',
        severity: 'medium',
        violations: 3,
        first_seen: '2026-09-30T02:00:00.000Z',
        last_seen: '2026-09-30T02:00:00.000Z',
        due_at: '2026-10-13',
        reopened: 0,
      }),
    );
    expect(lib).toMatchObject({ status: 'closed', field: null, check: 'freshness', table: 'library_loan' });
  });

  it('filters by status and department', async () => {
    const open = JSON.parse((await runCli(['tickets', 'list', '--json', '--status', 'open'], env)).stdout);
    expect(open.map((x: { department: string }) => x.department)).toEqual(['HR']);
    const lib = JSON.parse((await runCli(['tickets', 'list', '--json', '--department', 'LIB'], env)).stdout);
    expect(lib.map((x: { status: string }) => x.status)).toEqual(['closed']);
    expect(
      JSON.parse((await runCli(['tickets', 'list', '--json', '--status', 'open', '--department', 'LIB'], env)).stdout),
    ).toEqual([]);
  });

  it('refuses an unknown department with exit code 2, naming the option (not an empty list)', async () => {
    const res = await runCli(['tickets', 'list', '--json', '--department', 'NOPE'], env);
    expect([res.code, res.stdout]).toEqual([2, '']);
    expect(res.stderr).toContain('--department');
    // An empty one (`--department "$DEPT"` with DEPT unset) names no department either: not every department's tickets.
    const empty = await runCli(['tickets', 'list', '--json', '--department', ''], env);
    expect([empty.code, empty.stdout]).toEqual([2, '']);
  });

  it('refuses an unknown status with exit code 2, naming the option', async () => {
    const res = await runCli(['tickets', 'list', '--json', '--status', 'done'], env);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('--status');
  });

  it('prints one line a ticket, its sentence in the command line language', async () => {
    const chinese = await runCli(['tickets', 'list', '--status', 'open'], env);
    expect(chinese.code).toBe(0);
    const [line] = chinese.stdout.trim().split('\n');
    expect(line).toMatch(/^#\d+\topen\tHR\tmedium\t2026-10-13!?\t.*工号/);
    const english = await runCli(['tickets', 'list', '--status', 'open'], { ...env, HUBWATCH_LOCALE: 'en' });
    // the catalog's own titles stay as typed (教职工基本信息·职工号); the sentence around them is English
    expect(english.stdout).toMatch(/\tHR\tmedium\t.*职工号: 3 rows .*still empty 7 days after reporting for duty/);
  });
});

describe('hubwatch tickets list: every ticket, the department in any case', () => {
  let cli: CliDatabase;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    cli = await startCliDatabase();
    ({ env } = cli);
    expect((await runCli(['migrate'], env)).code).toBe(0);
    const fill = async (db: Knex) => {
      await seedCatalogDepartments(db, catalog);
      const first = await buildTicket(db, catalog, T0, { field: 'staff_no' });
      // More tickets than one page of the command's reads (2,000): copies of the first with their own fingerprints.
      const { id: _id, ...row } = await db('tickets').where({ id: first.id }).first();
      const copies = Array.from({ length: 2_100 }, (_, i) => ({
        ...row,
        fingerprint: `${row.fingerprint}#${i}`,
        sample_keys: JSON.stringify(row.sample_keys),
        record_key: row.record_key === null ? null : JSON.stringify(row.record_key),
      }));
      for (let i = 0; i < copies.length; i += 500) await db('tickets').insert(copies.slice(i, i + 500));
    };
    await cli.withDb(fill);
  }, 120_000);
  afterAll(() => cli?.close());

  it('lists past one page of reads, as one JSON array, for a department typed in lower case', async () => {
    const res = await runCli(['tickets', 'list', '--json', '--department', 'hr'], env);
    expect(res.code).toBe(0);
    const tickets = JSON.parse(res.stdout) as { id: number; department: string }[];
    expect(tickets).toHaveLength(2_101);
    expect(new Set(tickets.map((t) => t.id)).size).toBe(2_101);
    expect(new Set(tickets.map((t) => t.department))).toEqual(new Set(['HR']));
    const lines = await runCli(['tickets', 'list', '--department', 'Hr'], env);
    expect(lines.stdout.trim().split('\n')).toHaveLength(2_101);
  });
});

import fs from 'node:fs';
import path from 'node:path';
import { exportCatalog } from '../../server/services/catalog/export';
import { parseCatalog } from '../../server/services/catalog/parse';
import {
  currentCatalogYaml,
  formatImportProblem,
  importCatalog,
  loadCurrentCatalog,
  ownerOf,
} from '../../server/services/catalog/repository';
import { EXAMPLE_CATALOG_PATH } from '../../server/bootstrap/embedded-demo';
import { openPostgres } from '../../server/db/connect';
import { createMigratedTestDatabase, TestDatabase, usingRealPostgres } from '../helpers/database';

const EXAMPLE = fs.readFileSync(EXAMPLE_CATALOG_PATH, 'utf8');
/** The advisory lock one catalog import at a time holds (repository.ts IMPORT_LOCK_KEY, 'HWCL'). */
const IMPORT_LOCK_KEY = 0x4857434c;
const SHARED_EXAMPLE = path.resolve(__dirname, '../../../shared/examples/university.catalog.yaml');

describe('catalog import (example catalog)', () => {
  let db: TestDatabase;
  const count = async (table: string) => Number((await db.knex(table).count({ n: '*' }))[0].n);

  beforeAll(async () => {
    db = await createMigratedTestDatabase('catimport');
  });
  afterAll(() => db.close());

  it('ships a byte-exact copy of the shared example', () => {
    // ../shared exists in the development tree only; users' machines have just the shipped copy.
    if (!fs.existsSync(SHARED_EXAMPLE)) return;
    expect(fs.readFileSync(EXAMPLE_CATALOG_PATH).equals(fs.readFileSync(SHARED_EXAMPLE))).toBe(true);
  });

  it('a file with errors reports every problem with its line and changes nothing', async () => {
    const bad = EXAMPLE.replace(
      'deadline: { after: report_date, within: 7d }        # 教师报到1周内',
      'deadline: { after: report_date, within: 7x }',
    ).replace('    department: FIN\n', '    department: XYZ\n');
    const result = await importCatalog(db.knex, bad);
    expect(result.ok).toBe(false);
    expect(result.versionId).toBeUndefined();
    const errors = result.problems.filter((p) => p.severity === 'error').map((p) => [p.line, p.path, p.code]);
    expect(errors).toEqual([
      [66, 'tables[1].fields[0].deadline.within', 'bad_duration'],
      [102, 'tables[3].department', 'unknown_department'],
    ]);
    expect(formatImportProblem(result.problems[0])).toMatch(/^line 66, tables\[1\]\.fields\[0\]\.deadline\.within: "7x"/);
    expect(await count('catalog_versions')).toBe(0);
    expect(await count('catalog_tables')).toBe(0);
    expect(await count('departments')).toBe(0);
    expect(await count('audit_log')).toBe(0);
  });

  it('a dry run validates and changes nothing', async () => {
    const result = await importCatalog(db.knex, EXAMPLE, { dryRun: true });
    expect(result).toMatchObject({ ok: true, summary: { departments: 10, tables: 8, fields: 24, deactivated: [] } });
    expect(result.versionId).toBeUndefined();
    expect(await count('catalog_versions')).toBe(0);
  });

  it('imports departments, systems, tables and fields with their owners', async () => {
    const result = await importCatalog(db.knex, EXAMPLE, { origin: { source: 'cli' } });
    expect(result.ok).toBe(true);
    expect(result.problems).toEqual([]);
    expect(result.summary).toEqual({
      departments: 10,
      tables: 8,
      fields: 24,
      deactivated: [],
      tickets: { moved: [], closed: 0, duplicates: 0 },
      dueDates: { count: 0, examples: [] },
    });

    const departments = await db.knex('departments').orderBy('code').select('code', 'name', 'stewards', 'in_catalog');
    expect(departments).toHaveLength(10);
    expect(departments.find((d) => d.code === 'HR')).toEqual({
      code: 'HR',
      name: '人事处',
      stewards: ['hr-steward@example.edu.cn'],
      in_catalog: true,
    });
    expect(departments.find((d) => d.code === 'SCI')).toEqual({ code: 'SCI', name: '科技处', stewards: [], in_catalog: true });
    expect(await count('catalog_systems')).toBe(7);

    const tables = await db.knex('catalog_tables').orderBy('name').select('name', 'department_code', 'sharing', 'key', 'active');
    expect(tables.map((t) => t.name)).toEqual([
      'course_grade',
      'freshman_admission',
      'library_loan',
      'org_unit',
      'research_output',
      'staff_basic',
      'student_payment',
      'student_status',
    ]);
    expect(tables.find((t) => t.name === 'course_grade')).toEqual({
      name: 'course_grade',
      department_code: 'ACA',
      sharing: 'conditional',
      key: ['student_no', 'course_code', 'term'],
      active: true,
    });

    const owner = async (table: string, field: string) =>
      (await db.knex('catalog_fields').where({ table_name: table, name: field }).first()).department_code;
    expect(await owner('staff_basic', 'political_status')).toBe('ORG');
    expect(await owner('staff_basic', 'research_area')).toBe('COL');
    expect(await owner('staff_basic', 'name')).toBe('HR');
    expect(await owner('student_payment', 'amount')).toBe('FIN');
    const idCard = await db.knex('catalog_fields').where({ table_name: 'staff_basic', name: 'id_card' }).first();
    expect([idCard.sensitive, idCard.severity, idCard.definition.validate]).toEqual([true, 'high', 'cn_id_card']);
    expect(await count('catalog_fields')).toBe(24);

    const audit = await db.knex('audit_log').where({ action: 'catalog.import' }).select('object_id', 'summary');
    expect(audit).toHaveLength(1);
    expect(audit[0].object_id).toBe(String(result.versionId));
    expect(audit[0].summary).toMatchObject({ departments: 10, tables: 8, fields: 24, source: 'cli' });
    expect(audit[0].summary.checksum).toMatch(/^[0-9a-f]{64}$/);
  });

  it('loads the current catalog and says who owns what', async () => {
    const current = await loadCurrentCatalog(db.knex);
    expect(current).not.toBeNull();
    expect(current!.catalog).toEqual(parseCatalog(EXAMPLE).catalog);
    expect(ownerOf(current!.catalog, 'staff_basic', 'political_status')).toBe('ORG');
    expect(ownerOf(current!.catalog, 'staff_basic', 'gender')).toBe('HR');
    expect(ownerOf(current!.catalog, 'library_loan')).toBe('LIB');
    expect(ownerOf(current!.catalog, 'no_such_table')).toBeNull();
    expect(ownerOf(current!.catalog, 'staff_basic', 'no_such_field')).toBeNull();
  });

  it('importing the same file again makes a new version and leaves tables and fields identical', async () => {
    const tablesBefore = await db.knex('catalog_tables').orderBy('name').select('*');
    const fieldsBefore = await db.knex('catalog_fields').orderBy(['table_name', 'name']).select('*');
    const first = (await loadCurrentCatalog(db.knex))!.versionId;
    const result = await importCatalog(db.knex, EXAMPLE);
    expect(result.versionId).toBe(first + 1);
    expect(await db.knex('catalog_tables').orderBy('name').select('*')).toEqual(tablesBefore);
    expect(await db.knex('catalog_fields').orderBy(['table_name', 'name']).select('*')).toEqual(fieldsBefore);
    expect((await loadCurrentCatalog(db.knex))!.versionId).toBe(first + 1);
  });

  it('export → import → export is stable', async () => {
    const exported = await currentCatalogYaml(db.knex);
    expect(exported).not.toBeNull();
    const again = await importCatalog(db.knex, exported!);
    expect(again.ok).toBe(true);
    expect((await loadCurrentCatalog(db.knex))!.catalog).toEqual(parseCatalog(EXAMPLE).catalog);
    expect(await currentCatalogYaml(db.knex)).toBe(exported);
  });

  it('a table removed from the catalog becomes inactive and keeps its rows; a removed department stays but leaves the catalog', async () => {
    const catalog = parseCatalog(EXAMPLE).catalog!;
    const smaller = {
      ...catalog,
      departments: catalog.departments.filter((d) => d.code !== 'LIB'),
      systems: catalog.systems.filter((s) => s.department !== 'LIB'),
      tables: catalog.tables
        .filter((t) => t.name !== 'library_loan')
        .map((t) => (t.name === 'course_grade' ? { ...t, fields: t.fields.filter((f) => f.name !== 'score') } : t)),
      rules: catalog.rules.filter((r) => r.table !== 'library_loan'),
    };
    const result = await importCatalog(db.knex, exportCatalog(smaller));
    expect(result.ok).toBe(true);
    expect(result.summary.deactivated).toEqual(['library_loan', 'course_grade.score']);
    const loan = await db.knex('catalog_tables').where({ name: 'library_loan' }).first();
    expect([loan.active, loan.department_code]).toEqual([false, 'LIB']);
    const score = await db.knex('catalog_fields').where({ table_name: 'course_grade', name: 'score' }).first();
    expect(score.active).toBe(false);
    expect(await db.knex('catalog_tables').where({ active: true }).count({ n: '*' })).toEqual([{ n: 7 }]);
    const lib = await db.knex('departments').where({ code: 'LIB' }).first();
    expect([lib.name, lib.in_catalog]).toEqual(['图书馆', false]);

    // Bringing it back reactivates the same rows.
    const back = await importCatalog(db.knex, EXAMPLE);
    expect(back.summary.deactivated).toEqual([]);
    expect((await db.knex('catalog_tables').where({ name: 'library_loan' }).first()).active).toBe(true);
    expect((await db.knex('departments').where({ code: 'LIB' }).first()).in_catalog).toBe(true);
  });

  it('a department code in another letter case than the stored department’s is refused at its line, in a dry run too; nothing changes', async () => {
    const versions = await count('catalog_versions');
    // The whole file renames the department: its code and every system and table naming it.
    const lower = EXAMPLE.replace(/\bHR\b/g, 'hr');
    expect(lower).not.toBe(EXAMPLE);
    for (const dryRun of [true, false]) {
      const result = await importCatalog(db.knex, lower, { dryRun });
      expect(result.ok).toBe(false);
      const errors = result.problems.filter((p) => p.severity === 'error');
      expect(errors.map((p) => [p.path, p.code])).toEqual([['departments[0].code', 'department_case']]);
      expect(errors[0].line).toBe(lower.split('\n').findIndex((l) => /code: hr,/.test(l)) + 1);
      expect(errors[0].message['zh-CN']).toBe(
        '部门代码 "hr" 与已有部门 "HR"（人事处）仅大小写不同：各处输入的部门代码不区分大小写，该部门的账号、工单和评分都记在 "HR" 名下；请沿用 "HR"',
      );
    }
    expect(await count('catalog_versions')).toBe(versions);
    expect(await db.knex('departments').whereRaw('lower(code) = ?', ['hr']).pluck('code')).toEqual(['HR']);
  });

  it('is refused too when that department arrived while the import waited for another import to end', async () => {
    // Two connections at once: PostgreSQL only (PGlite is one connection, imports there cannot interleave).
    if (!usingRealPostgres()) return;
    const file = EXAMPLE.replace(/^departments:\n/m, 'departments:\n  - { code: arc, name: 档案馆 }\n');
    expect(file).not.toBe(EXAMPLE);
    const versions = await count('catalog_versions');
    const other = openPostgres({ url: db.url!, poolMax: 2 });
    try {
      let pending: Promise<Awaited<ReturnType<typeof importCatalog>>> | undefined;
      // Another import holds the import lock and adds ARC; this one has read the departments (no ARC) and waits.
      await other.knex.transaction(async (holder) => {
        await holder.raw('select pg_advisory_xact_lock(?)', [IMPORT_LOCK_KEY]);
        pending = importCatalog(db.knex, file);
        const waiting = async () =>
          Number(
            (await other.knex.raw(`select count(*) as n from pg_locks where locktype = 'advisory' and not granted`)).rows[0].n,
          );
        for (let i = 0; (await waiting()) === 0; i++) {
          if (i > 400) throw new Error('the import never waited for the lock');
          await new Promise((r) => setTimeout(r, 25));
        }
        await holder('departments').insert({ code: 'ARC', name: '档案馆', stewards: '[]', in_catalog: true });
      });
      const result = await pending!;
      expect(result.ok).toBe(false);
      expect(result.problems.filter((p) => p.severity === 'error').map((p) => [p.path, p.code])).toEqual([
        ['departments[0].code', 'department_case'],
      ]);
      expect(await count('catalog_versions')).toBe(versions);
      expect(await db.knex('departments').whereRaw('lower(code) = ?', ['arc']).pluck('code')).toEqual(['ARC']);
    } finally {
      await db.knex('departments').where({ code: 'ARC' }).delete();
      await other.close();
    }
  });
});

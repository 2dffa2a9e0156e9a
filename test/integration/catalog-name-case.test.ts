import fs from 'node:fs';
import path from 'node:path';
import { EXAMPLE_CATALOG_PATH } from '../../server/bootstrap/embedded-demo';
import { importCatalog } from '../../server/services/catalog/repository';
import { buildUser } from '../factories';
import { createTestApp, signIn, TestApp } from '../helpers/app';
import { cliEnvironment, runCli } from '../helpers/cli';

/**
 * Two fields of one table whose names differ only in letter case (name, Name) were imported without a word: on a MySQL
 * hub, whose column names ignore case, they are one column, and on PostgreSQL two only when created with quotes. The
 * import warns of it (and goes on), at the second field's line, naming both fields and the first's line, in both
 * languages, on the page and in the CLI, as it warns of a yearly "02-29". Two tables so named stay an error.
 */
const EXAMPLE = fs.readFileSync(EXAMPLE_CATALOG_PATH, 'utf8');
const SHARED_EXAMPLE = path.resolve(__dirname, '../../../shared/examples/university.catalog.yaml');
const NAME_LINE = '      - { name: name,       title: 姓名,     required: true, deadline: { after: report_date, within: 7d } }\n';
/** staff_basic's `name` (line 67) and `Name` after it (line 68). */
const CASED = (() => {
  const yaml = EXAMPLE.replace(NAME_LINE, `${NAME_LINE}      - { name: Name, title: 英文姓名 }\n`);
  expect(yaml).not.toBe(EXAMPLE);
  return yaml;
})();
const ZH =
  '字段名 "Name" 与同表的字段 "name"（第 67 行，tables[1].fields[1].name）仅大小写不同：MySQL 中台的列名不区分大小写，两者是同一列；PostgreSQL 中台只有用引号建的列才区分大小写。请确认中台表确有这两列，否则删去其中一个';
const EN =
  'field name "Name" differs only in letter case from the same table\'s field "name" (line 67, tables[1].fields[1].name): on a MySQL hub column names ignore case, so both are one column; on PostgreSQL they are two only if created with quotes. Make sure the hub table has both, else remove one';

describe('catalog import: names that differ only in letter case', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('two fields of a table are a warning naming both and the first’s line; the import goes on', async () => {
    const result = await importCatalog(t.db.knex, CASED);
    expect(result.ok).toBe(true);
    expect(result.problems.filter((p) => p.code === 'field_case')).toEqual([
      { line: 68, path: 'tables[1].fields[2].name', code: 'field_case', severity: 'warning', message: { 'zh-CN': ZH, en: EN } },
    ]);
    // Both fields were imported.
    const fields = await t.db.knex('catalog_fields').whereIn('name', ['name', 'Name']).pluck('name');
    expect(fields.filter((n: string) => n === 'Name')).not.toHaveLength(0);
  });

  it('the contract example (the shipped copy and ../shared) gives no such warning', async () => {
    for (const file of [EXAMPLE_CATALOG_PATH, SHARED_EXAMPLE].filter((f) => fs.existsSync(f))) {
      const result = await importCatalog(t.db.knex, fs.readFileSync(file, 'utf8'), { dryRun: true });
      expect(result.ok).toBe(true);
      expect(result.problems.filter((p) => p.code === 'field_case' || p.code === 'duplicate')).toEqual([]);
    }
  });

  it('a field is compared with its own table’s fields alone (org_unit’s unit_code is not named)', async () => {
    // org_unit has unit_code; staff_basic's Unit_Code beside its unit_code is warned of, not org_unit's.
    const yaml = EXAMPLE.replace(NAME_LINE, `${NAME_LINE}      - { name: Unit_Code, title: 单位代码 }\n`);
    const result = await importCatalog(t.db.knex, yaml, { dryRun: true });
    const warned = result.problems.filter((p) => p.code === 'field_case');
    expect(warned.map((p) => [p.line, p.path])).toEqual([[72, 'tables[1].fields[5].name']]);
    expect(warned[0].message.en).toMatch(
      /^field name "unit_code" differs only in letter case from the same table's field "Unit_Code" \(line 68, tables\[1\]\.fields\[2\]\.name\)/,
    );
  });

  it('two tables are an error, as before (sharing requests find tables ignoring case)', async () => {
    const yaml = EXAMPLE.replace(
      '  - name: staff_basic\n',
      '  - name: Org_Unit\n    department: HR\n    sharing: none\n    key: [id]\n    updated_at: u\n  - name: staff_basic\n',
    );
    const result = await importCatalog(t.db.knex, yaml, { dryRun: true });
    expect(result.ok).toBe(false);
    expect(result.problems.filter((p) => p.severity === 'error').map((p) => [p.path, p.code])).toEqual([
      ['tables[1].name', 'duplicate'],
    ]);
  });

  it('the import page shows it, in the dry run and the import', async () => {
    const office = await buildUser(t.db.knex, { department: 'ITC', roles: ['it_office'] });
    const { agent, csrf } = await signIn(t.app, office.login, office.password);
    for (const dryRun of [true, false]) {
      let req = agent.post('/catalog/import').field('_csrf', csrf);
      if (dryRun) req = req.field('dry_run', '1');
      const res = await req.attach('file', Buffer.from(CASED), 'catalog.yaml');
      expect(res.status).toBe(200);
      expect(res.text).toContain(
        '字段名 &quot;Name&quot; 与同表的字段 &quot;name&quot;（第 67 行，tables[1].fields[1].name）仅大小写不同',
      );
    }
  });

  it('the CLI prints it at its line, in English too', async () => {
    const env = cliEnvironment();
    try {
      const file = path.join(env.dataDir, 'cased.yaml');
      fs.writeFileSync(file, CASED);
      const dry = await runCli(['catalog', 'import', '--dry-run', file], { ...env.env, HUBWATCH_LOCALE: 'en' });
      expect(dry.code).toBe(0);
      expect(dry.stdout).toContain(`line 68, tables[1].fields[2].name: warning: ${EN}`);
    } finally {
      env.cleanup();
    }
  });
});

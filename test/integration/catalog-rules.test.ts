import fs from 'node:fs';
import { EXAMPLE_CATALOG_PATH } from '../../server/bootstrap/embedded-demo';
import type { Hub } from '../../server/hub';
import { importCatalog } from '../../server/services/catalog/repository';
import { buildUser } from '../factories';
import { createTestApp, signIn, type TestApp } from '../helpers/app';

/**
 * A custom rule the check engine cannot run (an unknown fact, a fact without its params, an operator
 * json-rules-engine lacks, a shared condition the catalog cannot define) failed every check of its table at
 * each run (checks-rules: a query_failed table), while the import had taken it without an error. The import refuses it now, naming the line and
 * key; a null_count column the hub lacks is a hub warning like any other column.
 */
const EXAMPLE = fs.readFileSync(EXAMPLE_CATALOG_PATH, 'utf8');
const DROP = '        - { fact: row_count_change, operator: lessThan, value: -0.2 }';
const READER = '        - { fact: null_ratio, params: { field: reader_no }, operator: greaterThan, value: 0.01 }';
const lineOf = (text: string, needle: string) => text.slice(0, text.indexOf(needle)).split('\n').length;

describe('catalog import: rules the check engine could not run', () => {
  let t: TestApp;
  let office: Awaited<ReturnType<typeof signIn>>;
  const versions = async () => Number((await t.db.knex('catalog_versions').count({ n: '*' }))[0].n);
  const post = (yaml: string, extra: Record<string, string> = {}) =>
    office.agent
      .post('/catalog/import')
      .type('form')
      .send({ _csrf: office.csrf, yaml, ...extra });

  beforeAll(async () => {
    t = await createTestApp();
    const it = await buildUser(t.db.knex, { login: 'it', department: 'ITC', roles: ['it_office'] });
    office = await signIn(t.app, it.login, it.password);
    expect(EXAMPLE).toContain(DROP);
    expect(EXAMPLE).toContain(READER);
  });
  afterAll(() => t.close());

  it('an unknown fact is an error at its line, with the fact meant; nothing imported', async () => {
    const bad = EXAMPLE.replace(DROP, DROP.replace('row_count_change', 'row_count_chnage'));
    const result = await importCatalog(t.db.knex, bad);
    expect(result.ok).toBe(false);
    expect(result.problems.map((p) => [p.line, p.path, p.code, p.severity])).toEqual([
      [lineOf(bad, 'row_count_chnage'), 'rules[0].conditions.all[0].fact', 'unknown_fact', 'error'],
    ]);
    expect(result.problems[0].message.en).toMatch(/^unknown fact "row_count_chnage" \(did you mean "row_count_change"\?\)/);
    expect(await versions()).toBe(0);

    // On the page, in the reader's language, at the line of the file.
    const res = await post(bad, { dry_run: '1' });
    expect(res.status).toBe(422);
    expect(res.text).toContain(`第 ${lineOf(bad, 'row_count_chnage')} 行`);
    expect(res.text).toContain('未知的事实 &quot;row_count_chnage&quot;，是否应为 &quot;row_count_change&quot;？');
  });

  it('a fact without the params it needs, a check that is none, a column that cannot be one', async () => {
    const cases: [string, string, string][] = [
      ['{ fact: null_ratio, operator: greaterThan, value: 0.01 }', 'rules[1].conditions.all[0].params.field', 'missing_key'],
      [
        '{ fact: violations, params: { field: reader_no }, operator: greaterThan, value: 0 }',
        'rules[1].conditions.all[0].params.check',
        'missing_key',
      ],
      [
        '{ fact: violations, params: { check: requird, field: reader_no }, operator: greaterThan, value: 0 }',
        'rules[1].conditions.all[0].params.check',
        'bad_enum',
      ],
      [
        '{ fact: null_count, params: { field: "reader no" }, operator: greaterThan, value: 0 }',
        'rules[1].conditions.all[0].params.field',
        'bad_identifier',
      ],
      [
        '{ fact: row_count, operator: lessThan, value: { fact: row_count_previus } }',
        'rules[1].conditions.all[0].value.fact',
        'unknown_fact',
      ],
      ['{ fact: row_count, operator: lessThen, value: 1 }', 'rules[1].conditions.all[0].operator', 'unknown_operator'],
      ['{ not: { condition: shared } }', 'rules[1].conditions.all[0].not.condition', 'bad_rule_conditions'],
    ];
    for (const [condition, path, code] of cases) {
      const result = await importCatalog(t.db.knex, EXAMPLE.replace(READER, `        - ${condition}`));
      expect([condition, result.ok, result.problems.map((p) => [p.path, p.code, p.severity])]).toEqual([
        condition,
        false,
        [[path, code, 'error']],
      ]);
    }
    expect(await versions()).toBe(0);
  });

  it('a null_ratio column the hub lacks is a hub warning at its line (an error with strict)', async () => {
    await t.db.knex.schema.createTable('library_loan', (c) => {
      c.string('loan_id');
      c.string('book_no');
    });
    const hub: Hub = { knex: t.db.knex, dialect: 'postgres', kind: 'postgres', label: 'test', close: async () => {} };
    const mentionsOf = (r: Awaited<ReturnType<typeof importCatalog>>) =>
      r.problems.filter((p) => p.path.startsWith('rules')).map((p) => [p.line, p.path, p.code, p.severity]);
    const loose = await importCatalog(t.db.knex, EXAMPLE, { hub, dryRun: true });
    expect(mentionsOf(loose)).toEqual([
      [lineOf(EXAMPLE, READER), 'rules[1].conditions.all[0].params.field', 'hub_column_missing', 'warning'],
    ]);
    const strict = await importCatalog(t.db.knex, EXAMPLE, { hub, dryRun: true, strict: true });
    expect(strict.ok).toBe(false);
    expect(mentionsOf(strict)).toEqual([
      [lineOf(EXAMPLE, READER), 'rules[1].conditions.all[0].params.field', 'hub_column_missing', 'error'],
    ]);
  });

  it('the example catalog, whose rules the engine runs, imports as it stands', async () => {
    const result = await importCatalog(t.db.knex, EXAMPLE);
    expect(result).toMatchObject({ ok: true, problems: [] });
  });
});

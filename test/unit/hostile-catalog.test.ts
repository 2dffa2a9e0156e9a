import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import YAML from 'yaml';
import { parseCatalog } from '../../server/services/catalog/parse';
import { HOSTILE_IDENTIFIERS, billionLaughs, withTable } from '../factories/hostile';

/**
 * Hostile catalog files (issue 9): the parser never throws, whatever the text; it refuses table
 * and column names that are not plain identifiers, naming the key path; it refuses YAML aliases,
 * so a "billion laughs" file is a problem report, not an expansion.
 */

const EXAMPLE = fs.readFileSync(
  path.resolve(__dirname, '../../server/services/catalog/examples/university.catalog.yaml'),
  'utf8',
);
const example = YAML.parse(EXAMPLE) as { tables: { name: string; fields: { name: string }[] }[] };
const STAFF = example.tables.findIndex((t) => t.name === 'staff_basic');

const errorsOf = (text: string) => parseCatalog(text).problems.filter((p) => p.severity === 'error');

describe('parseCatalog on arbitrary input', () => {
  it('never throws on arbitrary text: no catalog comes with at least one error', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 200 }),
          fc.string({ unit: 'binary', maxLength: 200 }),
          fc.string({ unit: 'grapheme', maxLength: 100 }),
        ),
        (text) => {
          const result = parseCatalog(text);
          if (result.catalog === null) expect(result.problems.some((p) => p.severity === 'error')).toBe(true);
          for (const p of result.problems) expect(typeof p.message.en).toBe('string');
        },
      ),
      { numRuns: 300 },
    );
  });

  it('never throws on arbitrary YAML documents, nor on the example with any of its parts replaced', () => {
    const anyValue = fc.anything({ maxDepth: 4, withNullPrototype: true, withObjectString: true });
    const keys = ['calendar', 'departments', 'systems', 'tables', 'rules'] as const;
    fc.assert(
      fc.property(anyValue, fc.constantFrom(...keys), anyValue, (doc, key, part) => {
        for (const text of [YAML.stringify(doc) ?? '', YAML.stringify({ ...example, [key]: part }) ?? '']) {
          const result = parseCatalog(text);
          if (result.catalog === null) expect(result.problems.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('survives YAML nested thousands deep with a problem, not a stack overflow', () => {
    for (const text of [
      `tables: ${'['.repeat(5000)}${']'.repeat(5000)}`,
      `tables:\n${Array.from({ length: 400 }, (_, i) => `${' '.repeat(i)}- `).join('\n')}x`,
    ]) {
      const result = parseCatalog(text);
      expect(result.catalog).toBeNull();
      expect(result.problems.length).toBeGreaterThan(0);
    }
  });
});

describe('hostile identifiers', () => {
  /** A control character (NUL) is refused as such, before the name is read as an identifier. */
  // eslint-disable-next-line no-control-regex
  const expectedCode = (id: string) => (/[\u0000-\u001f]/.test(id) ? 'bad_character' : 'bad_identifier');

  it.each(HOSTILE_IDENTIFIERS.map((id) => [JSON.stringify(id).slice(0, 40), id]))(
    'refuses the table name %s, naming tables[i].name',
    (_label, id) => {
      const text = YAML.stringify(withTable(example, STAFF, { name: id }));
      const result = parseCatalog(text);
      expect(result.catalog).toBeNull();
      expect(
        errorsOf(text)
          .filter((p) => p.path === `tables[${STAFF}].name`)
          .map((p) => p.code),
      ).toEqual([expectedCode(id)]);
    },
  );

  it.each(HOSTILE_IDENTIFIERS.map((id) => [JSON.stringify(id).slice(0, 40), id]))(
    'refuses the column name %s, naming tables[i].fields[j].name',
    (_label, id) => {
      const fields = example.tables[STAFF].fields.map((f, j) => (j === 1 ? { ...f, name: id } : f));
      const text = YAML.stringify(withTable(example, STAFF, { fields }));
      expect(parseCatalog(text).catalog).toBeNull();
      expect(
        errorsOf(text)
          .filter((p) => p.path === `tables[${STAFF}].fields[1].name`)
          .map((p) => p.code),
      ).toEqual([expectedCode(id)]);
    },
  );

  it('refuses hostile key columns and updated_at columns by their paths', () => {
    const text = YAML.stringify(
      withTable(example, STAFF, { key: ['staff_no"; drop table x; --'], updated_at: "update_time' or '1'='1" }),
    );
    const paths = errorsOf(text).map((p) => p.path);
    expect(paths).toEqual(expect.arrayContaining([`tables[${STAFF}].key[0]`, `tables[${STAFF}].updated_at`]));
  });
});

describe('department codes that addresses cannot carry', () => {
  // A code is part of /departments/CODE and ?department=CODE: the browser resolves /departments/.. to the home page
  // before asking, so the catalog's link to such a department (and its page) could not be opened.
  const LIB = example.tables.findIndex((t) => t.name === 'library_loan');
  const withCode = (code: string) => {
    const doc = YAML.parse(EXAMPLE) as {
      departments: { code: string }[];
      systems: { department: string }[];
      tables: { department: string }[];
    };
    doc.departments.find((d) => d.code === 'LIB')!.code = code;
    doc.systems.find((d) => d.department === 'LIB')!.department = code;
    doc.tables[LIB].department = code;
    return YAML.stringify(doc);
  };
  const libIndex = (YAML.parse(EXAMPLE) as { departments: { code: string }[] }).departments.findIndex((d) => d.code === 'LIB');

  it.each(['..', '.'])('refuses the code %s once, at departments[i].code, in both languages', (code) => {
    const problems = errorsOf(withCode(code));
    expect(problems.map((p) => [p.path, p.code])).toEqual([[`departments[${libIndex}].code`, 'bad_identifier']]);
    expect(problems[0].message['zh-CN']).toBe(
      `部门代码不能是 "${code}"：代码会出现在网址中（/departments/${code}），浏览器会把它读作目录层级，打不开部门页面`,
    );
    expect(problems[0].message.en).toContain(`a department code cannot be "${code}"`);
  });

  it('takes codes with dots or slashes among other characters (they are written into addresses encoded)', () => {
    for (const code of ['...', 'A.B', 'A/B', 'X Y']) expect(errorsOf(withCode(code))).toEqual([]);
  });
});

describe('YAML aliases', () => {
  it('refuses a billion-laughs file with a problem naming the alias, without expanding it', () => {
    const result = parseCatalog(billionLaughs(EXAMPLE));
    expect(result.catalog).toBeNull();
    const aliases = result.problems.filter((p) => p.message.en.startsWith('YAML aliases'));
    // The bomb's first alias: l1's list, whose items are *l0 (at most 20 are reported).
    expect(aliases[0]).toMatchObject({ path: 'rules[2].conditions.all[0].value.l1[0]', code: 'yaml_syntax', severity: 'error' });
    expect(aliases.length).toBe(20);
  });

  it('refuses even one harmless alias: it would be stored as {source} instead of the value', () => {
    const text = `${EXAMPLE}  - name: twice
    table: staff_basic
    conditions:
      all:
        - { fact: row_count_change, operator: equal, value: &v 3 }
        - { fact: row_count_change, operator: equal, value: *v }
    event: { type: ticket, params: { severity: high, message: x } }
`;
    const result = parseCatalog(text);
    expect(result.catalog).toBeNull();
    expect(result.problems.map((p) => [p.path, p.message.en])).toEqual([
      ['rules[2].conditions.all[1].value', 'YAML aliases (*v) are not allowed in a catalog: write the value out'],
    ]);
  });

  it('still imports the example catalog, which has no alias', () => {
    expect(parseCatalog(EXAMPLE).catalog).not.toBeNull();
  });
});

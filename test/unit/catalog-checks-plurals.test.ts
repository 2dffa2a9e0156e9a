import { allKeys, translate } from '../../server/i18n';

// The catalog's and the check results' English counts read "1 fields", "1 tables in all", "Trends of all 1 checks":
// each now agrees with its number, for 1 and for 2.
describe('English counts of the catalog and check pages', () => {
  const en = (key: string, params: Record<string, string | number>) => translate('en', key, params);

  it('a table’s field count (the catalog list, a table’s page)', () => {
    expect(en('catalog.table.fieldCount', { count: 1 })).toBe('1 field');
    expect(en('catalog.table.fieldCount', { count: 2 })).toBe('2 fields');
  });

  it('the catalog’s pager', () => {
    expect(en('catalog.pageOf', { page: 1, pages: 2, tables: 1 })).toBe('Page 1 of 2, 1 table in all');
    expect(en('catalog.pageOf', { page: 1, pages: 2, tables: 2 })).toBe('Page 1 of 2, 2 tables in all');
  });

  it('a table page’s folded trends', () => {
    expect(en('checks.latest.allTrends', { count: 1 })).toBe('Trend of the 1 check');
    expect(en('checks.latest.allTrends', { count: 2 })).toBe('Trends of all 2 checks');
    expect(en('checks.latest.otherTrends', { count: 1 })).toBe('Trend of the other 1 check');
    expect(en('checks.latest.otherTrends', { count: 2 })).toBe('Trends of the other 2 checks');
  });

  it('an import’s summary', () => {
    const one = { version: 3, departments: 1, tables: 1, fields: 1 };
    const two = { version: 3, departments: 2, tables: 2, fields: 2 };
    expect(en('catalog.import.valid', one)).toBe('Valid (dry run, nothing changed): 1 department, 1 table, 1 field.');
    expect(en('catalog.import.valid', two)).toBe('Valid (dry run, nothing changed): 2 departments, 2 tables, 2 fields.');
    expect(en('catalog.import.imported', one)).toBe('Imported catalog version 3: 1 department, 1 table, 1 field.');
    expect(en('catalog.import.imported', two)).toBe('Imported catalog version 3: 2 departments, 2 tables, 2 fields.');
  });

  it('the check command’s rows', () => {
    expect(en('checks.cli.violations', { violations: 1, checked: 1 })).toBe('1 of 1 row');
    expect(en('checks.cli.violations', { violations: 1, checked: 2 })).toBe('1 of 2 rows');
  });

  it('no catalog or checks message puts a plain count before a plural noun', () => {
    const plain = allKeys('en')
      .filter((k) => k.startsWith('catalog.') || k.startsWith('checks.'))
      .filter((k) =>
        /\{\w+\} (?:\w+ )?(?:fields|tables|checks|rows|departments|tickets|errors|warnings|runs)\b/.test(translate('en', k)),
      );
    expect(plain).toEqual([]);
  });
});

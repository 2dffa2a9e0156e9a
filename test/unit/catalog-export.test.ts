import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportCatalog } from '../../server/services/catalog/export';
import { parseCatalog } from '../../server/services/catalog/parse';
import type { Catalog } from '../../server/services/catalog/types';

const read = (path: string): string => readFileSync(join(__dirname, path), 'utf8');

function parseClean(text: string): Catalog {
  const { catalog, problems } = parseCatalog(text);
  // The every-key fixture keeps a yearly "02-29" to show it round-trips; the import warns of it, as it should.
  expect(problems.filter((p) => p.code !== 'leap_day_yearly')).toEqual([]);
  return catalog!;
}

describe.each([
  ['the example catalog', '../../server/services/catalog/examples/university.catalog.yaml'],
  ['a catalog using every key and value form', '../fixtures/catalogs/every-key.catalog.yaml'],
])('exportCatalog: %s', (_, path) => {
  it('exports YAML that parses back to an identical catalog', () => {
    const original = parseClean(read(path));
    const again = parseClean(exportCatalog(original));
    expect(again).toStrictEqual(original);
  });

  it('is stable: export → parse → export gives the same text', () => {
    const text = exportCatalog(parseClean(read(path)));
    expect(exportCatalog(parseClean(text))).toBe(text);
  });
});

describe('exportCatalog output', () => {
  const catalog = parseClean(read('../fixtures/catalogs/every-key.catalog.yaml'));
  const text = exportCatalog(catalog);

  it('keeps values that look like numbers, booleans or null as text', () => {
    expect(catalog.tables[0].title).toBe('null');
    expect(catalog.departments[1]).toEqual({ code: '007', name: 'true' });
    expect(catalog.tables[0].fields[1].codes).toEqual({ kind: 'inline', values: ['01', '02', '97'] });
    expect(catalog.calendar.events[1]).toEqual({ name: 'review', dates: ['2027-03-01'], yearly: ['10-01', '02-29'] });
    expect(catalog.calendar.events[3]).toEqual({ name: 'rank_notice', dates: ['2026-06-15'], yearly: [], title: '职称文件出台' });
    expect(catalog.tables[0].maintainedIn).toEqual([3, 9]);
    expect(catalog.calendar.dayNames).toEqual({ '2027-02-10': '春节', '2027-02-07': '春节调休' });
  });

  it('writes snake_case keys, leaves defaults out and puts short maps on one line', () => {
    expect(text).toContain('updated_at: updated_at');
    expect(text).toContain('maintained_in: [ 3, 9 ]');
    expect(text).toContain('deadline: { after_event: review, within: 10wd }');
    expect(text).toContain('rank_notice: { dates: [ 2026-06-15 ], title: 职称文件出台 }');
    expect(text).toContain('holidays: [ 2027-01-01, { date: 2027-02-10, name: 春节 } ]');
    expect(text).toContain('  - { name: org, department: HR, sharing: universal, key: [ code ], updated_at: t }');
    expect(text).not.toMatch(/required: false|severity: medium|sensitive: false|title: null$/m);
  });
});

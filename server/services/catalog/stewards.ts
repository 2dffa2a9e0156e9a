/**
 * Steward e-mail addresses of a department (who gets ticket digests and reminders) have ONE source of
 * truth: `departments.stewards`. Two things write it — the department page (`/departments/:code`) and
 * a catalog import — and the catalog export reads it, so an exported catalog lists the current
 * addresses and importing it back changes nothing.
 *
 * How an import treats a department's `stewards:` (a three-way comparison with the previous import):
 * - no `stewards:` key: the list stays as it is (a new department starts with none);
 * - the same list as the previous imported catalog had for the department: the file did not change
 *   it, so the list stays as it is — addresses edited on the web since then survive re-imports;
 * - a different list: the file changes it, and it replaces the current list (`stewards: []` empties
 *   it). When that discards addresses set on the web, the import (and its dry run) warns.
 * Lists are compared as sets of addresses (order and repeats do not matter).
 *
 * The stored catalog versions keep what each file said (`CatalogDepartment.stewards`), which is the
 * "previous import" above; nothing reads it as the current list.
 */
import type { Knex } from 'knex';
import { lineFinder, type ImportProblem } from './hub-verify';
import type { Catalog } from './types';

export interface StewardPlan {
  /** Departments (already stored) whose list the import replaces, with the new list. */
  writes: Map<string, string[]>;
  /** Warnings for lists set on the web that the import replaces. */
  problems: ImportProblem[];
}

const sameList = (a: readonly string[], b: readonly string[]): boolean => {
  const x = [...new Set(a)].sort();
  const y = [...new Set(b)].sort();
  return x.length === y.length && x.every((v, i) => v === y[i]);
};

/** What the file said about each department's stewards in the latest import (undefined: not listed). */
async function previousLists(db: Knex | Knex.Transaction): Promise<Map<string, string[] | undefined>> {
  const row = await db('catalog_versions').orderBy('id', 'desc').first('catalog');
  if (!row) return new Map();
  const previous = (typeof row.catalog === 'string' ? JSON.parse(row.catalog) : row.catalog) as Catalog;
  return new Map(previous.departments.map((d) => [d.code, d.stewards]));
}

/** Which stored departments' lists an import of `catalog` replaces (new departments are inserted with theirs). */
export async function planStewards(db: Knex | Knex.Transaction, catalog: Catalog, yamlText: string): Promise<StewardPlan> {
  const previous = await previousLists(db);
  const stored = new Map<string, string[]>(
    (await db('departments').select('code', 'stewards')).map((r: { code: string; stewards: string[] }) => [
      r.code,
      r.stewards ?? [],
    ]),
  );
  const writes = new Map<string, string[]>();
  const problems: ImportProblem[] = [];
  let lineOf: ((segments: (string | number)[]) => number | null) | null = null;
  catalog.departments.forEach((department, index) => {
    const listed = department.stewards;
    const current = stored.get(department.code);
    if (listed === undefined || current === undefined) return;
    const base = previous.get(department.code);
    if (base !== undefined && sameList(listed, base)) return;
    if (sameList(listed, current)) return;
    writes.set(department.code, [...new Set(listed)]);
    // The current list differs from what the catalog said last: it was set on the department page.
    if (current.length > 0 && !sameList(current, base ?? [])) {
      lineOf ??= lineFinder(yamlText);
      // Each language's list separator: a、b in Chinese, a, b in English.
      const [before, beforeEn] = [current.join('、'), current.join(', ')];
      const [after, afterEn] = listed.length > 0 ? [listed.join('、'), listed.join(', ')] : ['—', '—'];
      problems.push({
        line: lineOf(['departments', index, 'stewards']),
        path: `departments[${index}].stewards`,
        code: 'stewards_replaced',
        message: {
          'zh-CN': `将以目录中的信息化专员邮箱（${after}）替换部门页面上设置的（${before}）`,
          en: `replaces the steward e-mails set on the department page (${beforeEn}) with the catalog's (${afterEn})`,
        },
        severity: 'warning',
      });
    }
  });
  return { writes, problems };
}

/** The catalog with each department's current stewards (for the export): listed when there are any, or when the file listed them. */
export async function withCurrentStewards(db: Knex, catalog: Catalog): Promise<Catalog> {
  const stored = new Map<string, string[]>(
    (await db('departments').select('code', 'stewards')).map((r: { code: string; stewards: string[] }) => [
      r.code,
      r.stewards ?? [],
    ]),
  );
  return {
    ...catalog,
    departments: catalog.departments.map(({ stewards, ...department }) => {
      const current = stored.get(department.code) ?? stewards ?? [];
      return current.length > 0 || stewards !== undefined ? { ...department, stewards: current } : department;
    }),
  };
}

import fs from 'node:fs';
import path from 'node:path';
import type { Knex } from 'knex';
import type { CheckResult } from '../../rules/types';
import { createCalendar } from '../../server/services/calendar';
import { parseCatalog } from '../../server/services/catalog/parse';
import type { Catalog } from '../../server/services/catalog/types';
import { applyCheckResults } from '../../server/services/tickets';
import type { TicketRow } from '../../server/services/tickets';

/** The example catalog file (import it with `importCatalog` where a test needs the catalog in the database). */
export const EXAMPLE_CATALOG = path.resolve(__dirname, '../../server/services/catalog/examples/university.catalog.yaml');

/** The example catalog (the public contract), parsed as the service would. */
export function exampleCatalog(): Catalog {
  const { catalog, problems } = parseCatalog(fs.readFileSync(EXAMPLE_CATALOG, 'utf8'));
  if (!catalog) throw new Error(`example catalog does not parse: ${JSON.stringify(problems)}`);
  return catalog;
}

export const exampleCalendar = (catalog: Catalog) => createCalendar(catalog.calendar);

/**
 * A small catalog before and after an owner change (the catalog-import ticket tests): 教职工基本信息 (staff, HR) with
 * 职工号, 电子邮箱 and 备用邮箱; the change hands 电子邮箱 to 教务处 (ACA) and removes 备用邮箱.
 */
const ownerChangeCatalog = (opts: { emailOwner?: string; altEmail: boolean }) => `
calendar: { timezone: Asia/Shanghai }
departments: [{ code: HR, name: 人事处 }, { code: ACA, name: 教务处 }, { code: ITC, name: 信息中心 }]
tables:
  - name: staff
    title: 教职工基本信息
    department: HR
    sharing: conditional
    key: [staff_no]
    fields:
      - { name: staff_no, title: 职工号, required: true }
      - { name: email, title: 电子邮箱, validate: email${opts.emailOwner ? `, department: ${opts.emailOwner}` : ''} }
${opts.altEmail ? '      - { name: alt_email, title: 备用邮箱, validate: email }' : ''}
`;
export const OWNER_CHANGE_BEFORE = ownerChangeCatalog({ altEmail: true });
export const OWNER_CHANGE_AFTER = ownerChangeCatalog({ emailOwner: 'ACA', altEmail: false });

/** The catalog's departments as rows (tickets reference them). */
export async function seedCatalogDepartments(db: Knex, catalog: Catalog): Promise<void> {
  for (const d of catalog.departments) {
    await db('departments')
      .insert({ code: d.code, name: d.name, stewards: JSON.stringify(d.stewards), in_catalog: true })
      .onConflict('code')
      .ignore();
  }
}

/** A failing deadline check on 教职工基本信息·职工号 unless overridden. */
export function checkResult(over: Partial<CheckResult> = {}): CheckResult {
  const failing = over.passed !== true;
  return {
    check: 'deadline',
    department: 'HR',
    table: 'staff_basic',
    field: 'staff_no',
    passed: false,
    violations: failing ? 3 : 0,
    checkedRows: 120,
    sampleKeys: failing ? [{ staff_no: '20190001' }, { staff_no: '20190002' }, { staff_no: '20190003' }] : [],
    severity: 'medium',
    ...over,
  };
}

/** Files (or updates) the ticket of one failing result at `now` and returns it. */
export async function buildTicket(db: Knex, catalog: Catalog, now: Date, over: Partial<CheckResult> = {}): Promise<TicketRow> {
  const summary = await applyCheckResults(db, {
    runId: 'factory',
    results: [checkResult(over)],
    catalog,
    calendar: exampleCalendar(catalog),
    now,
  });
  const id = summary.filed[0] ?? summary.reopened[0] ?? summary.updated[0];
  return (await db('tickets').where({ id }).first()) as TicketRow;
}

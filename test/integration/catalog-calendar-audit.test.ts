import fs from 'node:fs';
import { importCatalog } from '../../server/services/catalog/repository';
import { buildUser } from '../factories';
import { EXAMPLE_CATALOG } from '../factories/tickets';
import { createTestApp, signIn, TestApp } from '../helpers/app';

/**
 * The catalog import's audit row says which holidays and make-up working days it added or took out: who entered the
 * 2027 holidays (or removed one) is read on /admin/audit, not by comparing stored catalog versions.
 */
const EXAMPLE = fs.readFileSync(EXAMPLE_CATALOG, 'utf8');
const withCalendar = (lines: string) =>
  EXAMPLE.replace('calendar:\n  timezone: Asia/Shanghai\n', `calendar:\n  timezone: Asia/Shanghai\n${lines}`);

describe('the catalog import audit row names the calendar dates it changed', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const lastImport = async () =>
    (await t.db.knex('audit_log').where({ action: 'catalog.import' }).orderBy('seq', 'desc').first()).summary as Record<
      string,
      unknown
    >;

  it('added and removed holidays and workdays, only the lists that changed, readable on the audit page', async () => {
    const office = await buildUser(t.db.knex, { department: 'ITC', roles: ['it_office'] });
    const actor = { id: office.id, login: office.login, roles: ['it_office'], department: 'ITC' };
    expect((await importCatalog(t.db.knex, EXAMPLE, { actor })).ok).toBe(true);
    expect(Object.keys(await lastImport()).filter((k) => /^(holidays|workdays)_/.test(k))).toEqual([]);

    const first = withCalendar('  holidays: [2027-02-10, 2027-01-01]\n  workdays: [2027-02-20]\n');
    expect((await importCatalog(t.db.knex, first, { actor })).ok).toBe(true);
    expect(await lastImport()).toMatchObject({ holidays_added: ['2027-01-01', '2027-02-10'], workdays_added: ['2027-02-20'] });

    const second = withCalendar('  holidays: [2027-01-01, 2027-02-11]\n');
    expect((await importCatalog(t.db.knex, second, { actor })).ok).toBe(true);
    const summary = await lastImport();
    expect(summary).toMatchObject({
      holidays_added: ['2027-02-11'],
      holidays_removed: ['2027-02-10'],
      workdays_removed: ['2027-02-20'],
    });
    expect(summary).not.toHaveProperty('workdays_added');

    const admin = await buildUser(t.db.knex, { department: 'ITC', roles: ['admin'] });
    const { agent } = await signIn(t.app, admin.login, admin.password);
    const page = (await agent.get('/admin/audit').query({ action: 'catalog.import' }).expect(200)).text;
    expect(page).toContain('新增节假日');
    expect(page).toContain('删除的调休上班日');
    expect(page).toContain('2027-02-11');
  });
});

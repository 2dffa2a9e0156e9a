import { importCatalog } from '../../server/services/catalog/repository';
import { buildUser } from '../factories';
import { createTestApp, signIn, TestApp } from '../helpers/app';

/** /catalog in English said "1 fields" and "Page 1 of 2, 1 tables in all". */
const CATALOG = `
departments:
  - { code: HR, name: 人事处 }
  - { code: ORG, name: 党委组织部 }
tables:
  - name: t1
    title: 表一
    department: HR
    sharing: none
    key: [f1]
    fields:
      - { name: f1, title: 字段一 }
      - { name: political_status, title: 政治面貌, department: ORG }
  - name: t2
    title: 表二
    department: HR
    sharing: none
    key: [g1]
    fields:
      - { name: g1, title: 字段甲 }
`;

let t: TestApp;
let user: Awaited<ReturnType<typeof signIn>>;
beforeAll(async () => {
  t = await createTestApp();
  const result = await importCatalog(t.db.knex, CATALOG);
  expect(result.problems.filter((p) => p.severity === 'error')).toEqual([]);
  const u = await buildUser(t.db.knex, { department: 'HR', roles: ['user'] });
  user = await signIn(t.app, u.login, u.password);
});
afterAll(() => t.close());

const en = async (url: string) => (await user.agent.get(url).set('Accept-Language', 'en').expect(200)).text;

it('a table of one field is "1 field", of two "2 fields"', async () => {
  const page = await en('/catalog');
  expect(page).toContain('>1 field<');
  expect(page).toContain('>2 fields<');
  expect(page).not.toContain('1 fields');
  expect(await en('/catalog/tables/t2')).toContain('1 field</small>');
});

it('the pager counts one table as "1 table in all", two as "2 tables in all"', async () => {
  // t1 and the ORG field in it are two entries of one table: a page of one entry each.
  expect(await en('/catalog?q=t1&per_page=1')).toContain('Page 1 of 2, 1 table in all');
  expect(await en('/catalog?per_page=1')).toContain('2 tables in all');
});

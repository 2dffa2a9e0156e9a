import { Session, staffCatalog, startCheckPages } from '../factories/checks';
import type { TestApp } from '../helpers/app';

/**
 * The runs page's table filter names each table as the tickets' and reports' menus do — 教职工 (staff) — not by the
 * hub's name alone (staff, course_grade…), which a Chinese page showed as English words.
 */
describe('the runs page: its table filter', () => {
  let t: TestApp;
  let office: Session;

  beforeAll(async () => {
    ({ t, session: office } = await startCheckPages({
      hub: { staff: { columns: ['staff_no'], rows: [{ staff_no: '1' }] } },
      catalog: staffCatalog({ absent: true }),
      as: 'office',
    }));
  });
  afterAll(() => t?.close());

  const menuOf = (html: string) => /<select name="table">[\s\S]*?<\/select>/.exec(html)?.[0] ?? '';

  it('offers each table by its title and name, the chosen one selected', async () => {
    const page = await office.agent.get('/runs').expect(200);
    expect(menuOf(page.text)).toBe(
      '<select name="table"><option value="">全部表</option>' +
        '<option value="absent" >不存在的表 (absent)</option><option value="staff" >教职工 (staff)</option></select>',
    );
    const chosen = await office.agent.get('/runs?table=STAFF').expect(200);
    expect(menuOf(chosen.text)).toContain('<option value="staff" selected>教职工 (staff)</option>');
  });
});

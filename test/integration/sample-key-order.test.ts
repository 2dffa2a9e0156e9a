import request from 'supertest';
import { checkRunnerDeps } from '../../server/services/checks/deps';
import { runNow } from '../../server/services/checks/runs';
import { issueApiToken } from '../../server/services/users';
import { buildUser } from '../factories';
import { Session, startCheckPages } from '../factories/checks';
import type { TestApp } from '../helpers/app';

/**
 * Sample keys of several columns read in the order the catalog's `key:` declares them, each part named: a key is
 * stored in jsonb, which gives its names back sorted by length then bytes (`term` before `student_no`, `name` before
 * `id_card`), and the pages showed `2022-2023-1/201900000001/C1007` with nothing saying which part was which.
 */
const CATALOG = `
calendar: { timezone: Asia/Shanghai }
departments:
  - { code: ITC, name: 信息化办公室 }
  - { code: ACA, name: 教务处 }
tables:
  - name: course_grade
    title: 本专科生成绩信息
    department: ACA
    sharing: conditional
    key: [student_no, course_code, term]
    fields:
      - { name: student_no, title: 学号 }
      - { name: course_code, title: 课程 }
      - { name: score, title: 成绩, required: true }
  - name: freshman
    title: 新生信息
    department: ACA
    sharing: conditional
    key: [id_card, name]
    fields:
      - { name: id_card, title: 身份证号, validate: cn_id_card }
      - { name: name, title: 姓名 }
      - { name: exam_no, title: 考生号, required: true }
  - name: staff
    title: 教职工信息
    department: ACA
    sharing: conditional
    key: [staff_no]
    fields:
      - { name: staff_no, title: 工号 }
      - { name: email, title: 电子邮箱, required: true }
`;

describe('sample keys in the catalog key order', () => {
  let t: TestApp;
  let office: Session;
  let runId: number;
  let gradeTicket: number;
  let freshmanTicket: number;

  beforeAll(async () => {
    ({ t, session: office } = await startCheckPages({
      hub: {
        course_grade: {
          columns: ['student_no', 'course_code', 'term', 'score'],
          rows: [
            { student_no: '201900000001', course_code: 'C1007', term: '2022-2023-1', score: null },
            { student_no: '201900000002', course_code: 'C1008', term: '2022-2023-2', score: '90' },
          ],
        },
        freshman: {
          columns: ['id_card', 'name', 'exam_no'],
          rows: [{ id_card: '110101200501015097', name: '李健凯', exam_no: null }],
        },
        staff: {
          columns: ['staff_no', 'email'],
          rows: [
            { staff_no: '10000008', email: null },
            { staff_no: '10000009', email: null },
          ],
        },
      },
      catalog: CATALOG,
      as: 'office',
    }));
    runId = (await runNow(checkRunnerDeps(t.ctx), { trigger: 'cli' })).runId;
    const ticketOf = async (table: string) =>
      Number((await t.db.knex('tickets').where({ table_name: table, check_kind: 'required' }).first('id')).id);
    gradeTicket = await ticketOf('course_grade');
    freshmanTicket = await ticketOf('freshman');
  });
  afterAll(() => t?.close());

  it("names each part of a run's sample key, in the catalog's order", async () => {
    const page = await office.agent.get(`/runs/${runId}`).expect(200);
    // course_code's title from the catalog, term by its name (no field declares it).
    expect(page.text).toContain('学号 201900000001 · 课程 C1007 · term 2022-2023-1');
    expect(page.text).not.toContain('2022-2023-1/201900000001');
    // Masking as before: the ID number stays masked, the name (not sensitive) tells which row.
    expect(page.text).toContain('身份证号 110101********5097 · 姓名 李健凯');
    expect(page.text).not.toContain('110101200501015097');
    // A key of one column is named once, before its values (a bare list of numbers said nothing of what they were).
    expect(page.text).toContain('工号：10000008；10000009');
  });

  it("heads the ticket page's samples table with the key's columns in the catalog's order", async () => {
    const page = await office.agent.get(`/tickets/${gradeTicket}`).expect(200);
    const table = /<table class="table samples">[\s\S]*?<\/table>/.exec(page.text)?.[0] ?? '';
    const headers = [...table.matchAll(/<th>([\s\S]*?)<\/th>/g)].map((m) => m[1].replace(/<[^>]+>/g, ''));
    expect(headers).toEqual(['学号 student_no', '课程 course_code', 'term']);
    expect(table).toContain('<td><code>201900000001</code></td><td><code>C1007</code></td><td><code>2022-2023-1</code></td>');

    const freshman = await office.agent.get(`/tickets/${freshmanTicket}`).expect(200);
    const cells = /<table class="table samples">[\s\S]*?<\/table>/.exec(freshman.text)?.[0] ?? '';
    expect(cells).toContain('<td><code>110101********5097</code></td><td><code>李健凯</code></td>');
  });

  it("gives the API's sample keys in the catalog's order, a column the catalog no longer keys after them", async () => {
    const office = await buildUser(t.db.knex, { department: 'ITC', roles: ['it_office'] });
    const token = await issueApiToken(t.db.knex, office.id);
    const get = async (id: number) =>
      (await request(t.app).get(`/api/v1/tickets/${id}`).set('Authorization', `Bearer ${token}`).expect(200)).body;
    const grade = await get(gradeTicket);
    expect(Object.keys(grade.sample_keys[0])).toEqual(['student_no', 'course_code', 'term']);
    expect(Object.keys((await get(freshmanTicket)).sample_keys[0])).toEqual(['id_card', 'name']);
    expect((await get(freshmanTicket)).sample_keys[0]).toEqual({ id_card: '110101********5097', name: '李健凯' });

    // Keys stored when the catalog keyed the table by more columns: those it no longer names come last, by name.
    await t.db
      .knex('tickets')
      .where({ id: gradeTicket })
      .update({ sample_keys: JSON.stringify([{ term: '2022-2023-1', zone: 'Z', campus: 'N', student_no: '201900000001' }]) });
    expect(Object.keys((await get(gradeTicket)).sample_keys[0])).toEqual(['student_no', 'term', 'campus', 'zone']);
  });
});

import { AccessWorld, buildAccessWorld } from '../factories/access';
import { STAFF } from '../factories/reports';
import { createTestApp, signIn, TestApp } from '../helpers/app';

/**
 * The name an upload is downloaded under. Its type is decided by its first bytes, but the name is the
 * uploader's: a PDF (to us) named `notes.hta` or `scan.html`, whose bytes after `%PDF-` are a script, is a
 * program or a web page to the computer of whoever opens the download (the department's steward, the IT
 * office). The download's name ends with the type's extension, without direction overrides.
 */

const MONDAY = new Date('2026-03-02T02:00:00Z');
/** Starts as a PDF (so it is stored as one) and goes on as a web page / HTML application. */
const POLYGLOT = Buffer.from('%PDF-1.4\n<html><script>new ActiveXObject("WScript.Shell").Run("calc")</script></html>\n');

let t: TestApp;
let w: AccessWorld;

beforeAll(async () => {
  t = await createTestApp();
  t.ctx.now = () => MONDAY;
  w = await buildAccessWorld(t.ctx);
}, 120_000);
afterAll(() => t.close());

/** The file name of a Content-Disposition header (its UTF-8 `filename*`). */
function nameIn(header: string): string {
  const m = /filename\*=UTF-8''([^;]+)/.exec(header);
  return m ? decodeURIComponent(m[1]) : '';
}

async function reportWith(name: string): Promise<string> {
  const { agent, csrf } = await signIn(t.app, w.people.HR.user.login, w.people.HR.user.password);
  const res = await agent
    .post('/reports')
    .field('_csrf', csrf)
    .field('table', 'staff_basic')
    .field('field', 'name')
    .field('record_key[staff_no]', STAFF.staff_no)
    .field('description', '姓名有误')
    .attach('attachment', POLYGLOT, name);
  expect(res.status).toBe(302);
  const report = Number(/\/reports\/(\d+)/.exec(res.headers.location)![1]);
  const file = await agent.get(`/reports/${report}/attachment`).expect(200);
  expect(file.headers['content-type']).toBe('application/pdf');
  return nameIn(file.headers['content-disposition']);
}

describe('a report attachment', () => {
  it.each([
    ['notes.hta', 'notes.hta.pdf'],
    ['scan.html', 'scan.html.pdf'],
    ['run.bat', 'run.bat.pdf'],
    ['invoice\u202efdp.hta', 'invoicefdp.hta.pdf'],
    ['立项批复', '立项批复.pdf'],
  ])('named %j is downloaded as %j', async (name, expected) => {
    expect(await reportWith(name)).toBe(expected);
  });

  it('keeps a name that already ends with its type (in any case)', async () => {
    expect(await reportWith('立项批复.PDF')).toBe('立项批复.PDF');
  });
});

describe('a report attachment on the pages', () => {
  it('is linked by the name it downloads under, on the reporter’s page and the department’s answer page', async () => {
    // The reporter's page read a bare 下载 (which file went with the report?), and the department's answer page the
    // stored name as typed: an RLO made `invoice\u202efdp.hta` read as a PDF's name, downloaded as invoicefdp.hta.pdf.
    const reporter = await signIn(t.app, w.people.HR.user.login, w.people.HR.user.password);
    const res = await reporter.agent
      .post('/reports')
      .field('_csrf', reporter.csrf)
      .field('table', 'staff_basic')
      .field('field', 'name')
      .field('record_key[staff_no]', STAFF.staff_no)
      .field('description', '姓名有误')
      .attach('attachment', POLYGLOT, 'invoice\u202efdp.hta');
    expect(res.status).toBe(302);
    const id = Number(/\/reports\/(\d+)/.exec(res.headers.location)![1]);
    const link = `<a href="/reports/${id}/attachment">invoicefdp.hta.pdf</a>`;
    expect((await reporter.agent.get(`/reports/${id}`).expect(200)).text).toContain(link);

    const { ticket_id: ticketId } = await t.db.knex('reports').where({ id }).first('ticket_id');
    expect(ticketId).not.toBeNull();
    const steward = await signIn(t.app, w.people.HR.steward.login, w.people.HR.steward.password);
    const answerPage = (await steward.agent.get(`/reports/tickets/${ticketId}`).expect(200)).text;
    expect(answerPage).toContain(link);
    expect(answerPage).not.toContain('\u202e');
  });
});

describe('a sharing request material', () => {
  it('named notes.hta is downloaded as notes.hta.pdf', async () => {
    const { agent, csrf } = await signIn(t.app, w.people.HR.user.login, w.people.HR.user.password);
    const res = await agent
      .post('/sharing/new')
      .set('X-CSRF-Token', csrf)
      .field('action', 'draft')
      .field('purpose', '迎新系统需要学生基本信息')
      .field('items[0][table]', 'student_status')
      .field('items[0][fields][]', 'student_no')
      .attach('material', POLYGLOT, 'notes.hta');
    expect(res.status).toBe(303);
    const id = Number(/\/sharing\/(\d+)/.exec(res.headers.location)![1]);
    const file = await agent.get(`/sharing/${id}/files/material`).expect(200);
    expect(file.headers['content-type']).toBe('application/pdf');
    expect(nameIn(file.headers['content-disposition'])).toBe('notes.hta.pdf');
  });
});

import { createTestApp, sharingSessions, TestApp } from '../helpers/app';
import { apiRequest, buildSharingWorld, SharingPeople } from '../factories/sharing';
import { STRUCTURE_TEXT_MAX, structureChangePending } from '../../server/services/sharing/structure-changes';
import { STRUCTURE_CHANGE_PENDING, STRUCTURE_CHANGE_STATUSES } from '../../server/services/sharing/types';

/**
 * Data-structure change requests (seed 003 Att. 1) on /sharing/structure-changes: what a department
 * types is checked like every form (field errors in place, in the user's language, nothing written),
 * and the "structure change pending" marker of a table holds while any change of it is pending.
 * The clock is fixed at Monday 2026-03-02 10:00 in Beijing.
 */
const MONDAY = new Date('2026-03-02T02:00:00Z');

let t: TestApp;
let people: SharingPeople;
/** Each person's session, signed in once. */
const { as } = sharingSessions(() => ({ app: t.app, people }));

const valid = {
  system: '人事管理系统',
  tables: 'staff_basic',
  description: '增加字段 title_rank',
  planned_on: '2026-03-20',
  contact: '人事专员 1234',
};

async function file(login: keyof SharingPeople, body: Record<string, string | string[]>) {
  const s = await as(login);
  return s.agent
    .post('/sharing/structure-changes')
    .type('form')
    .send({ _csrf: s.csrf, ...body });
}

const countChanges = async () => Number((await t.db.knex('structure_changes').count({ n: '*' }))[0].n);

beforeAll(async () => {
  t = await createTestApp();
  t.ctx.now = () => MONDAY;
  people = await buildSharingWorld(t.db.knex);
});
afterAll(() => t.close());

describe('filing a change: each mistake named in place, nothing written', () => {
  it.each([
    [
      'a date that does not exist',
      { planned_on: '2027-02-30' },
      'planned_on',
      '计划变更日期“2027-02-30”不是有效的日期（YYYY-MM-DD）',
    ],
    ['a date before today', { planned_on: '2026-03-01' }, 'planned_on', '计划变更日期须为 2026-03-02 或之后的日期（YYYY-MM-DD）'],
    [
      'a contact longer than its column',
      { contact: '电'.repeat(201) },
      'contact',
      '“联系人及电话”不能超过 200 个字符（已填写 201 个）',
    ],
    ['an empty description', { description: '  ' }, 'description', '请填写“变更内容”'],
  ])('%s', async (_what, change, field, message) => {
    const before = await countChanges();
    const res = await file('hrSteward', { ...valid, ...change });
    expect(res.status).toBe(422);
    // Tied to its box, and listed at the page's top linking to it (the list of changes can push the form down).
    const id = { planned_on: 'sc-date-error', contact: 'sc-contact-error', description: 'sc-desc-error' }[field as string];
    expect(res.text).toContain(`<p class="field-error" id="${id}">${message}</p>`);
    expect(res.text).toContain(`aria-invalid="true" aria-describedby="${id}"`);
    expect(res.text).toMatch(new RegExp(`<div class="flash flash-error error-summary" role="alert">[\\s\\S]*<a href="#${id}">`));
    // What was typed comes back.
    const typed = { ...valid, ...change };
    expect(res.text).toContain(`name="planned_on" value="${typed.planned_on}"`);
    expect(await countChanges()).toBe(before);
  });

  it('no system chosen: 请选择业务系统 (never an empty name), in English too', async () => {
    const before = await countChanges();
    const res = await file('hrSteward', { ...valid, system: '' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('<p class="field-error" id="sc-system-error">请选择业务系统</p>');
    expect(res.text).toContain('<li><a href="#sc-system-error">系统名称：请选择业务系统</a></li>');
    expect(res.text).not.toContain('数据目录中没有系统 <');
    expect(await countChanges()).toBe(before);
    const s = await as('stuSteward');
    await s.agent.post('/locale').type('form').send({ _csrf: s.csrf, locale: 'en', next: '/' });
    try {
      const en = await file('stuSteward', { ...valid, system: '', tables: 'student_status' });
      expect(en.status).toBe(422);
      expect(en.text).toContain('<p class="field-error" id="sc-system-error">Choose the business system</p>');
    } finally {
      await s.agent.post('/locale').type('form').send({ _csrf: s.csrf, locale: 'zh-CN', next: '/' });
    }
  });

  it('a contact of exactly 200 characters is filed', async () => {
    const before = await countChanges();
    expect((await file('hrSteward', { ...valid, contact: '电'.repeat(200) })).status).toBe(303);
    expect(await countChanges()).toBe(before + 1);
  });

  it('the inputs say their limits', async () => {
    const page = (await (await as('hrSteward')).agent.get('/sharing/structure-changes').expect(200)).text;
    expect(page).toMatch(/<input id="sc-contact" name="contact" value="[^"]*" maxlength="200">/);
  });

  it("the boxes' limits are the service's own (STRUCTURE_TEXT_MAX), not numbers typed in the page", async () => {
    const maxlength = (page: string, box: RegExp) =>
      Number(new RegExp(`${box.source}[^>]*\\bmaxlength="(\\d+)"`).exec(page)?.[1]);
    const steward = (await (await as('hrSteward')).agent.get('/sharing/structure-changes').expect(200)).text;
    expect((await file('hrSteward', valid)).status).toBe(303);
    const office = (await (await as('office')).agent.get('/sharing/structure-changes').expect(200)).text;
    expect({
      description: maxlength(steward, /<textarea id="sc-desc"/),
      contact: maxlength(steward, /<input id="sc-contact"/),
      note: maxlength(office, /<input name="note"/),
    }).toEqual(STRUCTURE_TEXT_MAX);
  });

  it('the boxes a change needs are marked *, and the description and review note say their limits', async () => {
    const page = (await (await as('hrSteward')).agent.get('/sharing/structure-changes').expect(200)).text;
    expect(page).toContain('<label for="sc-system">系统名称 *</label>');
    expect(page).toContain('<span id="sc-tables-label">受影响的表 *</span>');
    expect(page).toContain('<label for="sc-desc">变更内容 *</label>');
    expect(page).toContain('<textarea id="sc-desc" name="description" rows="3" maxlength="2000" aria-required="true">');
    expect(page).toContain('<label for="sc-date">计划变更日期 *</label>');
    // The optional contact is not marked.
    expect(page).toContain('<label for="sc-contact">联系人及电话</label>');
    expect((await file('hrSteward', valid)).status).toBe(303);
    const office = (await (await as('office')).agent.get('/sharing/structure-changes').expect(200)).text;
    expect(office).toMatch(/<input name="note" maxlength="2000" placeholder="审核意见/);
  });

  it('labels are translated in English too', async () => {
    const o = await as('office');
    const zh = await o.agent
      .post('/sharing/structure-changes')
      .type('form')
      .send({ _csrf: o.csrf, ...valid, description: '' });
    expect(zh.status).toBe(422);
    expect(zh.text).toContain('请填写“变更内容”');
    const s = await as('stuSteward');
    await s.agent.post('/locale').type('form').send({ _csrf: s.csrf, locale: 'en', next: '/' });
    const en = await s.agent
      .post('/sharing/structure-changes')
      .type('form')
      .send({
        _csrf: s.csrf,
        ...valid,
        system: '学工管理系统',
        tables: 'student_status',
        description: '',
        contact: 'x'.repeat(201),
      });
    expect(en.status).toBe(422);
    expect(en.text).toContain('Fill in “What changes”');
    expect(en.text).toContain('“Contact and phone” may have at most 200 characters (201 given)');
    expect(en.text).not.toContain('“description”');
  });
});

describe('the "structure change pending" marker', () => {
  const marker = '数据结构变更待完成';

  it('stays on a table while any of its changes is submitted or approved-not-done, whatever happens to the newer one', async () => {
    const a = await as('applicant');
    const requestId = (
      await a.agent
        .post('/api/v1/sharing-requests')
        .set('X-CSRF-Token', a.csrf)
        .send(apiRequest([{ table: 'staff_basic', fields: ['staff_no'] }]))
    ).body.id;
    const requestPage = async () => (await a.agent.get(`/sharing/${requestId}`).expect(200)).text;
    const o = await as('office');
    // A rejection says why; an approval need not.
    const review = (id: number, decision: string) =>
      o.agent
        .post(`/sharing/structure-changes/${id}/review`)
        .type('form')
        .send({ _csrf: o.csrf, decision, note: decision === 'reject' ? '与既有对接冲突' : '' });
    const h = await as('hrSteward');
    const complete = (id: number) =>
      h.agent.post(`/sharing/structure-changes/${id}/complete`).type('form').send({ _csrf: h.csrf });
    const newest = async () => Number((await t.db.knex('structure_changes').max({ id: 'id' }))[0].id);
    // Earlier tests filed changes of staff_basic: they are done with first.
    for (const c of await t.db.knex('structure_changes').whereIn('status', ['submitted', 'approved']).select('id', 'status')) {
      if (c.status === 'submitted') await review(Number(c.id), 'reject');
      else await complete(Number(c.id));
    }
    expect(await requestPage()).not.toContain(marker);

    expect((await file('hrSteward', valid)).status).toBe(303);
    const first = await newest();
    expect((await file('hrSteward', { ...valid, description: '删除字段 fax' })).status).toBe(303);
    const second = await newest();
    expect(await requestPage()).toContain(marker);

    // The newer change is rejected: the first one is still pending.
    expect((await review(second, 'reject')).status).toBe(303);
    expect(await requestPage()).toContain(marker);
    // Approved, not done yet: still pending.
    expect((await review(first, 'approve')).status).toBe(303);
    expect(await requestPage()).toContain(marker);
    // A third change, completed, does not clear the first one's marker either.
    expect((await file('hrSteward', { ...valid, description: '字段改名' })).status).toBe(303);
    const third = await newest();
    await review(third, 'approve');
    expect((await complete(third)).status).toBe(303);
    expect(await requestPage()).toContain(marker);
    // The last pending change done: the marker goes.
    expect((await complete(first)).status).toBe(303);
    expect(await requestPage()).not.toContain(marker);
  });
});

describe('the page', () => {
  it('reads the changes it lists and their count, nothing more (no pending markers of every table, which it never shows)', async () => {
    expect((await file('hrSteward', valid)).status).toBe(303);
    const statements: string[] = [];
    const listen = (q: { sql: string }) => statements.push(q.sql);
    t.db.knex.on('query', listen);
    try {
      const page = (await (await as('office')).agent.get('/sharing/structure-changes').expect(200)).text;
      expect(page).toContain('结构变更待完成');
    } finally {
      t.db.knex.removeListener('query', listen);
    }
    expect(statements.filter((sql) => sql.includes('structure_changes'))).toHaveLength(2);
  });
  it('names each affected table by its catalog title with its name, as the filing form does', async () => {
    expect((await file('hrSteward', valid)).status).toBe(303);
    const page = (await (await as('applicant')).agent.get('/sharing/structure-changes').expect(200)).text;
    expect(page).toContain('<span class="table-ref">教职工基本信息 <code>staff_basic</code></span>');
  });
});

describe('tables match the catalog ignoring case, as the rest of sharing', () => {
  it('STUDENT_STATUS and Student_Status are student_status: filed once in the catalog’s spelling, and the request naming it shows the marker', async () => {
    const before = await countChanges();
    const res = await file('stuSteward', {
      ...valid,
      system: '学工管理系统',
      tables: ['STUDENT_STATUS', 'Student_Status'],
      description: '年级改为入学年份',
    });
    expect(res.status).toBe(303);
    expect(await countChanges()).toBe(before + 1);
    const change = await t.db.knex('structure_changes').orderBy('id', 'desc').first('id', 'tables');
    expect(change.tables).toEqual(['student_status']);
    const audit = await t.db
      .knex('audit_log')
      .where({ action: 'sharing.structure_change', object_id: String(change.id) })
      .first('summary');
    expect(audit.summary.tables).toEqual(['student_status']);

    const a = await as('applicant');
    const requestId = (
      await a.agent
        .post('/api/v1/sharing-requests')
        .set('X-CSRF-Token', a.csrf)
        .send(apiRequest([{ table: 'student_status', fields: ['grade'] }]))
    ).body.id;
    expect((await a.agent.get(`/sharing/${requestId}`).expect(200)).text).toContain('数据结构变更待完成');
  });

  it('a name the catalog lacks in any case is refused naming it, in the user’s language; nothing is written and the typed tables stay ticked', async () => {
    const before = await countChanges();
    const res = await file('hrSteward', { ...valid, tables: ['STAFF_BASIC', 'Staff_Basics'] });
    expect(res.status).toBe(422);
    expect(res.text).toContain('<p class="field-error" id="sc-tables-error">数据目录中没有表 Staff_Basics</p>');
    expect(res.text).toMatch(/<input type="checkbox" name="tables" value="staff_basic" checked>/);
    expect(await countChanges()).toBe(before);
  });
});

describe('which changes count as pending: one definition for the list page and the request pages', () => {
  it('the list marks a change in each status exactly as the request pages do (STRUCTURE_CHANGE_PENDING: submitted, approved)', async () => {
    expect([...STRUCTURE_CHANGE_PENDING]).toEqual(['submitted', 'approved']);
    const hr = await t.db.knex('users').where({ login: people.hrSteward.login }).first('id');
    const ids = new Map<string, number>();
    for (const status of STRUCTURE_CHANGE_STATUSES) {
      const [row] = await t.db
        .knex('structure_changes')
        .insert({
          department_code: 'HR',
          system: '人事管理系统',
          tables: [`probe_${status}`],
          description: `状态 ${status}`,
          planned_on: '2026-03-20',
          contact: '',
          status,
          filed_by: hr.id,
          filed_at: MONDAY,
        })
        .returning('id');
      ids.set(status, Number(row.id ?? row));
    }
    const flags = await structureChangePending(
      t.db.knex,
      STRUCTURE_CHANGE_STATUSES.map((status) => `probe_${status}`),
    );
    const page = (await (await as('office')).agent.get('/sharing/structure-changes').expect(200)).text;
    const marked = STRUCTURE_CHANGE_STATUSES.filter((status) => {
      const row = new RegExp(`<td>${ids.get(status)}</td>[\\s\\S]*?</tr>`).exec(page);
      expect(row).not.toBeNull();
      return row![0].includes('结构变更待完成');
    });
    expect(marked).toEqual(['submitted', 'approved']);
    expect(Object.keys(flags).sort()).toEqual(['probe_approved', 'probe_submitted']);
  });
});

describe('the contact (联系人及电话) is shown to those who handle the change, masked for everyone else', () => {
  it('the IT office and the system’s department see it in full; another department and a data user see it masked', async () => {
    const contact = '人事专员 王五 13912345678 wangwu@example.edu.cn 11010519491231002X';
    expect((await file('hrSteward', { ...valid, description: '联系人测试', contact })).status).toBe(303);
    const id = Number((await t.db.knex('structure_changes').max({ id: 'id' }))[0].id);
    /** The row of change `id` on the list as `login` sees it. */
    const row = async (login: keyof SharingPeople) => {
      const page = (await (await as(login)).agent.get('/sharing/structure-changes').expect(200)).text;
      expect(page).toContain('<th>联系人及电话</th>');
      return new RegExp(`<td>${id}</td>[\\s\\S]*?</tr>`).exec(page)![0];
    };
    for (const who of ['office', 'hrSteward'] as const) {
      const r = await row(who);
      expect(r).toContain(`<td class="contact">${contact}</td>`);
    }
    for (const who of ['outsider', 'applicant'] as const) {
      const r = await row(who);
      // The ID number as an ID number (birth date and serial hidden), not as a phone that kept 10 of its digits.
      expect(r).toMatch(/<td class="contact">人事专员 王五 139\*\*\*\*5678 [^<@]*@example\.edu\.cn 110105\*{8}002X<\/td>/);
      expect(r).not.toContain('13912345678');
      expect(r).not.toContain('wangwu@');
    }
  });

  it('a phone or ID number typed into the description or the review note is masked for the same readers', async () => {
    const description = '停用旧字段，问题请找 13712345678（身份证 11010519491231002X 的老师）';
    expect((await file('hrSteward', { ...valid, description })).status).toBe(303);
    const id = Number((await t.db.knex('structure_changes').max({ id: 'id' }))[0].id);
    const office = await as('office');
    await office.agent
      .post(`/sharing/structure-changes/${id}/review`)
      .type('form')
      .send({ _csrf: office.csrf, decision: 'approve', note: '已核对，回电 13612345678' })
      .expect(303);
    const row = async (login: keyof SharingPeople) => {
      const page = (await (await as(login)).agent.get('/sharing/structure-changes').expect(200)).text;
      return new RegExp(`<td>${id}</td>[\\s\\S]*?</tr>`).exec(page)![0];
    };
    for (const who of ['office', 'hrSteward'] as const) {
      const r = await row(who);
      expect(r).toContain('13712345678');
      expect(r).toContain('已核对，回电 13612345678');
    }
    for (const who of ['outsider', 'applicant'] as const) {
      const r = await row(who);
      expect(r).toContain('停用旧字段，问题请找 137****5678（身份证 110105********002X 的老师）');
      expect(r).toContain('已核对，回电 136****5678');
      expect(r).not.toMatch(/13712345678|13612345678|11010519491231002X/);
    }
  });

  it('a description or review note over 2000 characters is refused naming it; nothing is written', async () => {
    const before = await countChanges();
    const res = await file('hrSteward', { ...valid, description: '长'.repeat(2001) });
    expect(res.status).toBe(422);
    expect(res.text).toMatch(/不能超过 2000 个字符（已填写 2001 个）/);
    expect(await countChanges()).toBe(before);
    expect((await file('hrSteward', { ...valid, description: '待审核' })).status).toBe(303);
    const id = Number((await t.db.knex('structure_changes').max({ id: 'id' }))[0].id);
    const office = await as('office');
    const refused = await office.agent
      .post(`/sharing/structure-changes/${id}/review`)
      .type('form')
      .send({ _csrf: office.csrf, decision: 'approve', note: '注'.repeat(2001) })
      .expect(422);
    expect(refused.text).toContain(`id="sc-review-${id}-note-error">“审核意见”不能超过 2000 个字符（已填写 2001 个）</p>`);
    expect(await t.db.knex('structure_changes').where({ id }).first('status', 'review_note')).toEqual({
      status: 'submitted',
      review_note: null,
    });
  });

  it('departments are named, not coded: the list’s 申请单位 and the systems to choose from', async () => {
    const page = (await (await as('office')).agent.get('/sharing/structure-changes').expect(200)).text;
    expect(page).toMatch(/<td>\d+<\/td><td>人事处<\/td><td>人事管理系统<\/td>/);
    expect(page).toContain('>人事管理系统 · 人事处</option>');
    expect(page).not.toMatch(/<td>HR<\/td>|· HR<\/option>/);
  });
});

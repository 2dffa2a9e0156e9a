import { createTestApp, sharingSessions, TestApp } from '../helpers/app';
import { apiRequest, buildHubTable, buildSharingWorld, SharingPeople, submitThroughApi } from '../factories/sharing';

/** The request page and the print form as read: what a draft's header says, numbers, the English form's labels. */
const MONDAY = new Date('2026-03-02T02:00:00Z');

let t: TestApp;
let people: SharingPeople;
/** Each person's session, signed in once. */
const { as, decideAs } = sharingSessions(() => ({ app: t.app, people }));

async function file(items: Parameters<typeof apiRequest>[0], extra: Record<string, unknown> = {}): Promise<number> {
  return submitThroughApi(await as('applicant'), items, extra);
}

beforeAll(async () => {
  t = await createTestApp();
  t.ctx.now = () => MONDAY;
  people = await buildSharingWorld(t.db.knex);
});
afterAll(() => t.close());

it("a draft's page names its applicant and department without a dangling separator (it has no submission time)", async () => {
  const id = await file([{ table: 'org_unit', fields: ['unit_code'] }], { draft: true });
  const page = (await (await as('applicant')).agent.get(`/sharing/${id}`).expect(200)).text;
  expect(page).toContain('<p class="muted">张三 · 计算机学院</p>');
  const submitted = await file([{ table: 'org_unit', fields: ['unit_code'] }]);
  const after = (await (await as('applicant')).agent.get(`/sharing/${submitted}`).expect(200)).text;
  expect(after).toContain('<p class="muted">张三 · 计算机学院 · 2026-03-02 10:00</p>');
});

it("the leader rule's threshold is grouped by thousands like the estimated rows", async () => {
  await buildHubTable(t.db.knex, 'student_status', 2500);
  const id = await file([{ table: 'student_status', fields: ['student_no', 'id_card'] }]);
  const page = (await (await as('applicant')).agent.get(`/sharing/${id}`).expect(200)).text;
  expect(page).toContain('涉及敏感字段，估计记录数 2,500（阈值 2,000）');
});

it('the English print form puts a space after each label colon (signatures, dates, the reason)', async () => {
  const id = await file([{ table: 'org_unit', fields: ['unit_code'] }]);
  await decideAs('csSteward', id);
  await decideAs('office', id, { decision: 'reject', reason: 'scope_too_large' });
  const o = await as('office2');
  await o.agent.post('/locale').type('form').send({ _csrf: o.csrf, locale: 'en', next: '/' });
  const print = (await o.agent.get(`/sharing/${id}/print`).expect(200)).text;
  expect(print).toContain('<span>Head of department (signature): </span><span>Date: ____-__-__</span>');
  expect(print).toContain('<span>Head of department (signature, seal): </span>');
  expect(print).toContain('Reject, reason: </div>');
  expect(print).toContain('University leader (signature): </span>');
  expect(print).not.toMatch(/\((signature|seal)\):\S/);
});

it("the print form names the request's number in the page's language (编号, No. in English)", async () => {
  const id = await file([{ table: 'org_unit', fields: ['unit_code'] }]);
  const a = await as('applicant');
  const zh = (await a.agent.get(`/sharing/${id}/print`).expect(200)).text;
  expect(zh).toContain(`<p class="sheet-no">编号：${id} · 已提交</p>`);
  expect(zh).not.toContain('No.');
  const en = (await a.agent.get(`/sharing/${id}/print`).set('Accept-Language', 'en').expect(200)).text;
  expect(en).toContain(`<p class="sheet-no">No. ${id} · Submitted</p>`);
});

/** Each review box of the print form: its label, its online review record (tags taken out), its signature line. */
function reviewBoxes(html: string) {
  const text = (fragment: string | undefined) =>
    fragment
      ?.replace(/<[^>]+>/g, ' ')
      .replace(/\s+/g, ' ')
      .trim() ?? null;
  return [...html.matchAll(/<tr><th>([^<]*)<\/th>\s*<td colspan="3" class="opinion[^"]*">([\s\S]*?)<\/td><\/tr>/g)].map(
    ([, label, body]) => ({
      label,
      online: text(/<div class="online-review">([\s\S]*?)<\/div>/.exec(body)?.[1]),
      sign: /<div class="sign">([\s\S]*?)<\/div>/.exec(body)?.[1] ?? null,
    }),
  );
}

describe("the print form's signature lines are left for the handwritten signatures (seed 000)", () => {
  it('a granted request: blank signature and date lines; who reviewed online, and when, in each box, labelled so', async () => {
    await buildHubTable(t.db.knex, 'student_status', 2500);
    const id = await file([{ table: 'student_status', fields: ['student_no', 'id_card'] }]);
    for (const who of ['csSteward', 'office', 'stuSteward', 'leader', 'office2'] as const) await decideAs(who, id);
    expect((await t.db.knex('sharing_requests').where({ id }).first('status')).status).toBe('granted');

    const o = await as('office');
    const zh = (await o.agent.get(`/sharing/${id}/print`).expect(200)).text;
    const blank = '年　　月　　日';
    expect(reviewBoxes(zh)).toEqual([
      {
        label: '申请单位主管领导审核',
        online: '线上审核：计院专员 2026-03-02',
        sign: `<span>部门主要领导（签字）：</span><span>日期：${blank}</span>`,
      },
      {
        label: '学生处',
        online: '线上审核：学生处专员 2026-03-02',
        sign: `<span>部门负责人签字（盖章）：</span><span>${blank}</span>`,
      },
      {
        label: '信息化办公室终审、共享数据',
        online: '线上审核：王信息 2026-03-02',
        sign: `<span>部门负责人签字（盖章）：</span><span>${blank}</span>`,
      },
      {
        label: '信息化主管校领导审批',
        online: '线上审核：分管校领导 2026-03-02',
        sign: `<span>信息化主管校领导签字：</span><span>${blank}</span>`,
      },
    ]);
    expect(zh).toContain('信息化办公室数据专员初审：同意；线上审核：李琳琳 2026-03-02');

    const en = (await o.agent.get(`/sharing/${id}/print`).set('Accept-Language', 'en').expect(200)).text;
    expect(reviewBoxes(en).map(({ online, sign }) => ({ online, sign }))).toEqual([
      {
        online: 'Reviewed online: 计院专员 on 2026-03-02',
        sign: '<span>Head of department (signature): </span><span>Date: ____-__-__</span>',
      },
      {
        online: 'Reviewed online: 学生处专员 on 2026-03-02',
        sign: '<span>Head of department (signature, seal): </span><span>____-__-__</span>',
      },
      {
        online: 'Reviewed online: 王信息 on 2026-03-02',
        sign: '<span>Head of department (signature, seal): </span><span>____-__-__</span>',
      },
      {
        online: 'Reviewed online: 分管校领导 on 2026-03-02',
        sign: '<span>University leader (signature): </span><span>____-__-__</span>',
      },
    ]);
    expect(en).toContain('IT office first review: Approved; Reviewed online: 李琳琳 on 2026-03-02');
  });

  it('the IT office standing in: its reviewer and 代为审核 in the online record, the signature line still blank', async () => {
    const id = await submitThroughApi(await as('hrSteward'), [{ table: 'org_unit', fields: ['unit_code'] }]);
    await decideAs('office', id);
    const [unit] = reviewBoxes((await (await as('office')).agent.get(`/sharing/${id}/print`).expect(200)).text);
    expect(unit).toEqual({
      label: '申请单位主管领导审核',
      online: '线上审核：李琳琳 2026-03-02 （信息化办公室代为审核：申请单位除申请人外没有数据专员或部门负责人）',
      sign: '<span>部门主要领导（签字）：</span><span>日期：年　　月　　日</span>',
    });
  });

  it('the first review that ended the request is the IT office box, recorded once; nothing decided yet, no record', async () => {
    const id = await file([{ table: 'org_unit', fields: ['unit_code'] }]);
    const o = await as('applicant');
    const pending = reviewBoxes((await o.agent.get(`/sharing/${id}/print`).expect(200)).text);
    expect(pending.map((b) => b.online)).toEqual([null, null, null, null]);
    await decideAs('csSteward', id);
    await decideAs('office', id, { decision: 'reject', reason: 'scope_too_large' });
    const html = (await o.agent.get(`/sharing/${id}/print`).expect(200)).text;
    expect(reviewBoxes(html).find((b) => b.label === '信息化办公室终审、共享数据')).toEqual({
      label: '信息化办公室终审、共享数据',
      online: '线上审核：李琳琳 2026-03-02',
      sign: '<span>部门负责人签字（盖章）：</span><span>年　　月　　日</span>',
    });
    expect(html.match(/李琳琳/g)).toHaveLength(1);
  });
});

describe('the print form says which stages the request has, from its submission on', () => {
  /** What the data source box (of a request without one) and the leader box say above their signature lines. */
  async function sourceAndLeader(id: number, locale = 'zh-CN') {
    const html = (await (await as('applicant')).agent.get(`/sharing/${id}/print`).set('Accept-Language', locale).expect(200))
      .text;
    const say = (label: string) => {
      const box = new RegExp(
        `<tr><th>${label}</th>\\s*<td colspan="3" class="opinion">([\\s\\S]*?)(<div class="sign">|</td></tr>)`,
      ).exec(html);
      return box
        ? box[1]
            .replace(/<[^>]+>/g, ' ')
            .replace(/\s+/g, ' ')
            .trim()
        : null;
    };
    return locale === 'en'
      ? { source: say('\\(approving unit\\)'), leader: say('University leader in charge of IT') }
      : { source: say('（实际审批单位）'), leader: say('信息化主管校领导审批') };
  }

  it('no sensitive fields, universal tables only: 本申请无需此环节 in the source and leader boxes while in review and once granted', async () => {
    const id = await file([{ table: 'org_unit', fields: ['unit_code'] }]);
    const notRequired = { source: '本申请无需此环节', leader: '本申请无需此环节' };
    expect(await sourceAndLeader(id)).toEqual(notRequired);
    expect(await sourceAndLeader(id, 'en')).toEqual({
      source: 'Not required for this request',
      leader: 'Not required for this request',
    });
    await decideAs('csSteward', id);
    expect(await sourceAndLeader(id)).toEqual(notRequired);
    await decideAs('office', id);
    await decideAs('office2', id);
    expect((await t.db.knex('sharing_requests').where({ id }).first('status')).status).toBe('granted');
    expect(await sourceAndLeader(id)).toEqual(notRequired);
  });

  it('refused at the first stage: the stages it never had are still 无需此环节, not 未经此环节', async () => {
    const id = await file([{ table: 'org_unit', fields: ['unit_code'] }]);
    await decideAs('csSteward', id, { decision: 'reject', reason: 'scope_too_large' });
    expect(await sourceAndLeader(id)).toEqual({ source: '本申请无需此环节', leader: '本申请无需此环节' });
  });

  it("a planned leader stage not yet decided is the leader's box to tick by hand, not 无需此环节", async () => {
    await buildHubTable(t.db.knex, 'student_status', 2500);
    const id = await file([{ table: 'student_status', fields: ['student_no', 'id_card'] }]);
    const { leader } = await sourceAndLeader(id);
    expect(leader).toBe('☐ 同意 ☐ 不同意，理由：');
  });

  it('a draft has no plan yet: its print says the stages are known once it is submitted; a withdrawn draft went through none', async () => {
    const id = await file([{ table: 'org_unit', fields: ['unit_code'] }], { draft: true });
    const undetermined = '提交后确定是否需要此环节';
    expect(await sourceAndLeader(id)).toEqual({ source: undetermined, leader: undetermined });
    expect(await sourceAndLeader(id, 'en')).toEqual({
      source: 'Known once the request is submitted',
      leader: 'Known once the request is submitted',
    });
    const a = await as('applicant');
    await a.agent.post(`/sharing/${id}/withdraw`).type('form').send({ _csrf: a.csrf }).expect(303);
    expect(await sourceAndLeader(id)).toEqual({ source: '本申请未经此环节', leader: '本申请未经此环节' });
  });

  it("a draft withdrawn unsubmitted: the unit's and the IT office's boxes say 本申请未经此环节 too, not empty choices", async () => {
    const id = await file([{ table: 'org_unit', fields: ['unit_code'] }], { draft: true });
    const a = await as('applicant');
    /** What the unit's and the office's boxes say above their signature lines. */
    const boxes = async () => {
      const html = (await a.agent.get(`/sharing/${id}/print`).expect(200)).text;
      const say = (label: string) =>
        new RegExp(`<tr><th>${label}</th>\\s*<td colspan="3" class="opinion">([\\s\\S]*?)<div class="sign">`)
          .exec(html)![1]
          .replace(/<[^>]+>/g, ' ')
          .replace(/\s+/g, ' ')
          .trim();
      return { unit: say('申请单位主管领导审核'), office: say('信息化办公室终审、共享数据') };
    };
    // A draft's boxes are still to be filled in.
    const draft = await boxes();
    expect(draft.unit).toBe('☐ 同意 ☐ 不同意，理由：');
    expect(draft.office).not.toContain('未经此环节');
    await a.agent.post(`/sharing/${id}/withdraw`).type('form').send({ _csrf: a.csrf }).expect(303);
    const withdrawn = await boxes();
    expect(withdrawn.unit).toBe('☐ 同意 ☐ 不同意，理由： 本申请未经此环节');
    expect(withdrawn.office).toContain('本申请未经此环节');
  });
});

import { buildUser } from '../factories';
import { MONDAY, reportBody, useReportsWorld } from '../factories/reports';
import { signIn } from '../helpers/app';

/**
 * A report's 进展 begins at the report: a reporter who joins a ticket later read the ticket's whole history — the
 * department's earlier "not ours" and its reason, the IT office's reasoning for the reassignment, the answers
 * written to the earlier reporters. They read what happened from their report on: what the department and the
 * office did after it (an answer to all reporters) is theirs too.
 */

let col: Awaited<ReturnType<typeof buildUser>>;
let sci: Awaited<ReturnType<typeof buildUser>>;

const world = useReportsWorld({
  apiTokens: true,
  setup: async () => {
    // research_area is the colleges' (COL) field in the example catalog.
    col = await buildUser(world.db, { name: '学院专员', department: 'COL', roles: ['steward'] });
    sci = await buildUser(world.db, { name: '科技处专员', department: 'SCI', roles: ['steward'] });
  },
});

const at = (day: number, hour = 10) => new Date(Date.UTC(2026, 2, day, hour - 8));
const DISPUTE = '经核实属于科技处，联系人电话 13912345678';
const REASSIGN = '科研信息归科技处维护，已与其联系人 13912345678 确认';

async function file(who: 'reporter' | 'reporter2', staffNo: string, description: string) {
  const res = await world
    .api(who)
    .post('/reports', reportBody({ field: 'research_area', record_key: { staff_no: staffNo }, description }))
    .expect(201);
  return res.body as { id: number; ticket_id: number };
}

async function answer(steward: typeof col, ticketId: number, kind: string, comment: string) {
  const s = await signIn(world.app, steward.login, steward.password);
  await s.agent
    .post(`/reports/tickets/${ticketId}/answer`)
    .field('_csrf', s.csrf)
    .field('answer', kind)
    .field('comment', comment)
    .expect(302);
}

async function reassign(ticketId: number, department: string, reason: string) {
  const office = await world.as('office');
  await office.agent
    .post(`/tickets/${ticketId}/reassign`)
    .type('form')
    .send({ _csrf: office.csrf, department, reason })
    .expect(302);
}

/** The 进展 section of a report's page as `who` reads it, one line a step (its date dropped). */
async function progress(who: 'reporter' | 'reporter2' | 'office', id: number) {
  const page = (await (await world.as(who)).agent.get(`/reports/${id}`).expect(200)).text;
  const section = /<h2>处理进展<\/h2>([\s\S]*?)(?:<h2|<\/main>)/.exec(page)![1];
  const steps = [...section.matchAll(/<li>([\s\S]*?)<\/li>/g)].map((m) =>
    m[1]
      .replace(/<[^>]+>/g, ' ')
      .replace(/\s+/g, ' ')
      .replace(/^\s*\d{4}-\d{2}-\d{2} \d{2}:\d{2}\s*/, '')
      .trim(),
  );
  return { page, steps };
}

afterEach(() => {
  world.ctx.now = () => MONDAY;
});

it("a later reporter's 进展 starts at their report: not the earlier dispute, reassignment and answers, but what came after", async () => {
  world.ctx.now = () => at(2);
  const first = await file('reporter', '20190001', '研究方向应为材料科学');
  await answer(col, first.ticket_id, 'not_ours', DISPUTE);
  world.ctx.now = () => at(3);
  await reassign(first.ticket_id, 'SCI', REASSIGN);
  await answer(sci, first.ticket_id, 'fixed', '已更正（答复报告人甲）');

  // Wednesday: another reporter, of another department, reports the same record: an objection to the fix.
  world.ctx.now = () => at(4);
  const later = await file('reporter2', '20190001', '研究方向仍未更正');
  expect(later.ticket_id).toBe(first.ticket_id);
  world.ctx.now = () => at(5);
  await answer(sci, first.ticket_id, 'fixed', '已再次核对并更正');

  for (const who of ['reporter2', 'office'] as const) {
    const { page, steps } = await progress(who, later.id);
    expect({ who, steps }).toEqual({
      who,
      steps: ['提交报告', '重新打开 → 待处理', '责任单位答复 → 已整改待确认 已再次核对并更正'],
    });
    for (const earlier of ['13912345678', '139****5678', '经核实属于科技处', '科研信息归科技处', '答复报告人甲'])
      expect({ who, earlier, shown: page.includes(earlier) }).toEqual({ who, earlier, shown: false });
  }

  // The first reporter still reads everything since theirs, the dispute and the reassignment included.
  const { steps } = await progress('reporter', first.id);
  expect(steps).toEqual([
    '提交报告',
    // (Phone numbers in the department's and the office's words are masked for every reader.)
    '责任单位提出异议 经核实属于科技处，联系人电话 139****5678',
    // A reassignment says from which department to which, and the new due date, as on the ticket's pages.
    '改派责任单位 各学院（COL） → 科技处（SCI），整改期限 2026-03-10 科研信息归科技处维护，已与其联系人 139****5678 确认',
    '责任单位答复 → 已整改待确认 已更正（答复报告人甲）',
    '重新打开 → 待处理',
    '责任单位答复 → 已整改待确认 已再次核对并更正',
  ]);
});

it('a report joining a ticket that stands on an earlier "not ours" reads what the answer is, not its reasons (page and API)', async () => {
  world.ctx.now = () => at(2);
  const first = await file('reporter', '20190002', '研究方向填写错误');
  await answer(col, first.ticket_id, 'not_ours', DISPUTE);
  world.ctx.now = () => at(3);
  const later = await file('reporter2', '20190002', '研究方向应为化学');
  expect(later.ticket_id).toBe(first.ticket_id);

  const { page, steps } = await progress('reporter2', later.id);
  expect(steps).toEqual(['提交报告']);
  expect(page).toContain('非本单位数据（转信息化办公室改派）');
  expect(page).not.toContain('经核实属于科技处');
  expect((await world.api('reporter2').get(`/reports/${later.id}`).expect(200)).body.answer).toEqual({
    kind: 'not_ours',
    comment: null,
    at: at(2).toISOString(),
  });
  // The reporter it was written to reads it.
  expect((await world.api('reporter').get(`/reports/${first.id}`).expect(200)).body.answer).toMatchObject({
    kind: 'not_ours',
    comment: '经核实属于科技处，联系人电话 139****5678',
  });
});

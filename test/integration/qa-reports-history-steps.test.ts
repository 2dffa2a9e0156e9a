import { MONDAY, reportBody, useReportsWorld } from '../factories/reports';

/**
 * A reporter's page says what happened to their report from its first step. A report the IT office had
 * routed, whose ticket nobody had worked on yet, said 暂无进展 ("Nothing yet.") — while one still waiting for
 * the office, or turned down, listed 提交报告 — and a routed report that had been answered began at the answer.
 */

const world = useReportsWorld();

const triage = (on: boolean) => world.triageFirst(on);

/** Files a report with the form, as the browser sends it (multipart, the CSRF token in the action URL). */
async function file(field: string, description: string): Promise<number> {
  const s = await world.as('reporter');
  const body = reportBody({ field, description });
  await s.agent
    .post('/reports')
    .field('_csrf', s.csrf)
    .field('table', body.table)
    .field('field', field)
    .field('record_key[staff_no]', body.record_key.staff_no)
    .field('description', description)
    .field('action', 'submit')
    .expect(302);
  return Number((await world.db('reports').orderBy('id', 'desc').first('id')).id);
}

/** The IT office routes a report waiting for triage, from the triage queue's form. */
async function routeTo(id: number, department: string): Promise<void> {
  const office = await world.as('office');
  await office.agent
    .post(`/reports/${id}/route`)
    .type('form')
    .send({ _csrf: office.csrf, department, back: '/reports/triage' })
    .expect(302);
}

/** The ticket a routed report was filed on. */
const ticketOf = async (id: number) => Number((await world.db('reports').where({ id }).first('ticket_id')).ticket_id);

/** The steps of the reporter's page, one line each, as read. */
async function steps(id: number, locale: 'zh-CN' | 'en' = 'zh-CN'): Promise<string[]> {
  const s = await world.as('reporter');
  const page = (await s.agent.get(`/reports/${id}`).set('Accept-Language', locale).expect(200)).text;
  const section = /<h2>(?:处理进展|Progress)<\/h2>([\s\S]*?)(?:<h2|<\/main>)/.exec(page)![1];
  return [...section.matchAll(/<li>([\s\S]*?)<\/li>/g)].map((m) =>
    m[1]
      .replace(/<blockquote>[\s\S]*?<\/blockquote>/g, '')
      .replace(/<[^>]+>/g, ' ')
      .replace(/\s+/g, ' ')
      .replace(/^\s*\d{4}-\d{2}-\d{2} \d{2}:\d{2}\s*/, '')
      .trim(),
  );
}

it('a report routed by the IT office shows it was sent and routed, then what the department did', async () => {
  await triage(true);
  const id = await file('political_status', '政治面貌应为中共党员');
  await routeTo(id, 'ORG');
  await triage(false);

  expect(await steps(id)).toEqual(['提交报告', '信息化办公室已分派给责任单位']);
  expect(await steps(id, 'en')).toEqual(['Report sent', 'Routed to the responsible department by the IT office']);

  const ticketId = await ticketOf(id);
  const org = await world.as('orgSteward');
  await org.agent
    .post(`/reports/tickets/${ticketId}/answer`)
    .field('_csrf', org.csrf)
    .field('answer', 'fixed')
    .field('comment', '已更正')
    .expect(302);
  expect(await steps(id)).toEqual(['提交报告', '信息化办公室已分派给责任单位', '责任单位答复 → 已整改待确认']);
});

it('a report sent straight to the department (no triage) starts with its sending', async () => {
  const id = await file('name', '姓名填写有误');
  expect(await steps(id)).toEqual(['提交报告']);
});

it('the ticket of a routed report says when the reporter sent it and who routed it, not only the routing’s time', async () => {
  await triage(true);
  // Sent on Monday at 10:00; the IT office routes it an hour and a half later.
  const id = await file('political_status', '政治面貌应为中共党员（另一条）');
  world.ctx.now = () => new Date(MONDAY.getTime() + 90 * 60_000);
  try {
    await routeTo(id, 'ORG');
  } finally {
    world.ctx.now = () => MONDAY;
    await triage(false);
  }
  const ticketId = await ticketOf(id);
  const org = await world.as('orgSteward');
  const entryOf = (html: string) =>
    [...html.matchAll(/<li>([\s\S]*?)<\/li>/g)]
      .map((m) =>
        m[1]
          .replace(/<blockquote>[\s\S]*?<\/blockquote>/g, '')
          .replace(/<[^>]+>/g, ' ')
          .replace(/\s+/g, ' ')
          .trim(),
      )
      // The record's ticket from the first test (answered fixed, so this report reopened it): its last report.
      .filter((line) => line.includes('报告人甲') && line.includes('用户报告数据错误'))
      .pop();
  for (const path of [`/tickets/${ticketId}`, `/reports/tickets/${ticketId}`]) {
    const page = (await org.agent.get(path).expect(200)).text;
    expect({ path, entry: entryOf(page) }).toEqual({
      path,
      entry: expect.stringMatching(
        /^2026-03-02 11:30 报告人甲 .*用户报告数据错误.*报告提交于 2026-03-02 10:00，由 信息办专员 分派$/,
      ),
    });
  }
});

it('says which answer closed the report: “not an error” reads as such, not as any closing', async () => {
  // The steps read 责任单位答复 → 已关闭 — the same as a ticket closed for any other reason; the answer's words were
  // above only while it was the current answer (a reopen takes it back).
  const id = await file('email', '邮箱填写有误');
  const ticketId = await ticketOf(id);
  const hr = await world.as('hrSteward');
  await hr.agent
    .post(`/reports/tickets/${ticketId}/answer`)
    .field('_csrf', hr.csrf)
    .field('answer', 'not_error')
    .field('comment', '已核对人事档案')
    .expect(302);
  expect((await steps(id)).slice(-1)).toEqual(['责任单位答复 → 已关闭 答复：经核实数据无误']);
  expect((await steps(id, 'en')).slice(-1)).toEqual(['Department answered → Closed answer: checked, not an error']);
  // The department's answer page and the ticket page say it too.
  for (const path of [`/reports/tickets/${ticketId}`, `/tickets/${ticketId}`])
    expect((await hr.agent.get(path).expect(200)).text).toContain('<span class="event-note">答复：经核实数据无误</span>');
});

import request from 'supertest';
import { issueApiToken } from '../../server/services/users';
import { reportBody, ReportsWorld, useReportsWorld } from '../factories/reports';

/** The report pages in English: no Chinese punctuation between the words the page writes. */

let token: string;

const world = useReportsWorld({
  setup: async () => {
    token = await issueApiToken(world.db, world.people.reporter.id);
  },
});

async function inLocale(who: keyof ReportsWorld, locale: 'en' | 'zh-CN') {
  const s = await world.as(who);
  await s.agent.post('/locale').type('form').send({ _csrf: s.csrf, locale, next: '/' }).expect(302);
  return s;
}

it('the answer, the current answer and the value seen read "Label: text" in English, "标签：文字" in Chinese, the answer\'s words after a dash in both (经核实数据无误——…, not an error — …)', async () => {
  const filed = await request(world.app)
    .post('/api/v1/reports')
    .set('Authorization', `Bearer ${token}`)
    .send(reportBody({ observed_value: '群众' }));
  expect(filed.status).toBe(201);
  const { id, ticket_id: ticketId } = filed.body as { id: number; ticket_id: number };
  const org = await world.as('orgSteward');
  const answered = await org.agent
    .post(`/reports/tickets/${ticketId}/answer`)
    .field('_csrf', org.csrf)
    .field('answer', 'not_error')
    .field('comment', 'Checked against the party records');
  expect(answered.status).toBe(302);

  const reporter = await inLocale('reporter', 'en');
  const mine = (await reporter.agent.get(`/reports/${id}`).expect(200)).text;
  expect(mine).toContain('Checked — not an error — Checked against the party records');
  expect(mine).not.toContain('：');
  expect(mine).not.toContain('not an error:');
  const steward = await inLocale('orgSteward', 'en');
  const page = (await steward.agent.get(`/reports/tickets/${ticketId}`).expect(200)).text;
  // The answer's words hold no colon of their own (“Checked: not an error: …” read as three labels), nor do they
  // come after one (“Current answer: Checked — not an error: …” read as two labels): a dash, as in Chinese.
  expect(page).toContain('Current answer: Checked — not an error — Checked against the party records');
  expect(page).not.toContain('not an error:');
  expect(page).not.toContain('Checked: not an error');
  expect(page).toContain('Value the reporter saw: 群众');
  expect(page).not.toContain('：');

  await inLocale('orgSteward', 'zh-CN');
  const zh = (await steward.agent.get(`/reports/tickets/${ticketId}`).expect(200)).text;
  // The department's words after the answer follow a dash in Chinese: “当前答复：经核实数据无误：…” read as two labels.
  expect(zh).toContain('当前答复：经核实数据无误——Checked against the party records');
  expect(zh).not.toContain('经核实数据无误：');
  expect(zh).toContain('报告人看到的值：群众');
  const zhMine = (await (await inLocale('reporter', 'zh-CN')).agent.get(`/reports/${id}`).expect(200)).text;
  expect(zhMine).toContain('<dd>经核实数据无误——Checked against the party records');
});

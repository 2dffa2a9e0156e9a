import fs from 'node:fs';
import { importCatalog } from '../../server/services/catalog/repository';
import { notifierFromConfig } from '../../server/services/notifications';
import { EXAMPLE_CATALOG } from '../factories/tickets';
import { reportBody, useReportsWorld } from '../factories/reports';

/**
 * A catalog import that hands a field to another department, or removes it, and the report tickets (one record's
 * error, filed by a person) on it: a report still with the department the catalog named moves to the new owner; one
 * the IT office routed elsewhere stays where the office put it; one on a removed field stays open for a person to
 * answer (nothing else would ever close it, but neither may the import: it is about a record, not a check).
 */
const EXAMPLE = fs.readFileSync(EXAMPLE_CATALOG, 'utf8');
const replaceOnce = (text: string, from: string, to: string) => {
  expect(text.split(from)).toHaveLength(2);
  return text.replace(from, to);
};
/** 政治面貌 goes from ORG to the table's HR, 研究方向 from COL to ACA, 电子邮箱 is removed. */
const CHANGED = replaceOnce(
  replaceOnce(
    replaceOnce(EXAMPLE, 'title: 政治面貌, department: ORG, ', 'title: 政治面貌, '),
    'title: 研究方向, department: COL,',
    'title: 研究方向, department: ACA,',
  ),
  '      - { name: email,  title: 电子邮箱, validate: email }\n',
  '',
);

const world = useReportsWorld({ apiTokens: true });
const ticket = (id: number) => world.db('tickets').where({ id }).first();
const fileReport = async (field: string) => {
  const res = await world.api('reporter').post('/reports', reportBody({ field, description: `${field} 有误` }));
  expect(res.status).toBe(201);
  return res.body as { id: number; ticket_id: number };
};

describe('catalog import and the report tickets on what it changes', () => {
  let political: { id: number; ticket_id: number };
  let research: { id: number; ticket_id: number };
  let email: { id: number; ticket_id: number };

  beforeAll(async () => {
    political = await fileReport('political_status');
    research = await fileReport('research_area');
    email = await fileReport('email');
    expect((await ticket(political.ticket_id)).department_code).toBe('ORG');
    expect((await ticket(research.ticket_id)).department_code).toBe('COL');
    expect((await ticket(email.ticket_id)).department_code).toBe('HR');
    // The IT office routes the research-area report to 科技处.
    const office = await world.as('office');
    await office.agent
      .post(`/tickets/${research.ticket_id}/reassign`)
      .type('form')
      .send({ _csrf: office.csrf, department: 'SCI', reason: '科研信息归科技处' })
      .expect(302);
    expect((await ticket(research.ticket_id)).department_code).toBe('SCI');
  });

  it('the dry run counts only the report still with the department the catalog named, and changes nothing', async () => {
    const before = await world.db('tickets').orderBy('id');
    const result = await importCatalog(world.db, CHANGED, { dryRun: true });
    expect(result.ok).toBe(true);
    expect(result.summary.tickets).toEqual({ moved: [{ department: 'HR', count: 1 }], closed: 0, duplicates: 0 });
    expect(await world.db('tickets').orderBy('id')).toEqual(before);
  });

  it('moves the report on a field whose owner changed, leaves the one the office routed, keeps the removed field’s open', async () => {
    const routedBefore = await ticket(research.ticket_id);
    const removedBefore = await ticket(email.ticket_id);
    const result = await importCatalog(world.db, CHANGED, {
      notifier: notifierFromConfig(world.db, world.ctx.config, world.ctx.logger),
    });
    expect(result.ok).toBe(true);
    // 研究方向 went from COL to ACA, but the office had handed the report to SCI: it stays there, untouched.
    expect(await ticket(research.ticket_id)).toEqual(routedBefore);
    expect(result.summary.tickets).toEqual({ moved: [{ department: 'HR', count: 1 }], closed: 0, duplicates: 0 });

    // 政治面貌 is HR's now: the report goes to HR, as a reassignment does, and the reporter sees HR on it.
    expect(await ticket(political.ticket_id)).toMatchObject({
      department_code: 'HR',
      fingerprint_department: 'HR',
      status: 'open',
    });
    const moved = await world.db('ticket_events').where({ ticket_id: political.ticket_id, kind: 'reassigned' });
    expect(moved).toHaveLength(1);
    expect(moved[0].details).toMatchObject({
      reason: 'catalog_owner_changed',
      from_department: 'ORG',
      to_department: 'HR',
      catalog_version: result.versionId,
    });
    const mine = await world.api('reporter').get(`/reports/${political.id}`).expect(200);
    expect(mine.body).toMatchObject({ department: 'HR', status: 'open' });
    const hr = await world.as('hrSteward');
    // The answer page says why it came, from where and by when, as the ticket page does (it read only "改派责任单位").
    const why = `数据目录导入（版本 ${result.versionId}）改变了负责部门：党委组织部（ORG） → 人事处（HR），整改期限 `;
    expect((await hr.agent.get(`/reports/tickets/${political.ticket_id}`).expect(200)).text).toContain(why);
    // The reporter's page too.
    expect((await (await world.as('reporter')).agent.get(`/reports/${political.id}`).expect(200)).text).toContain(why);
    // HR's notice gives the reason in one language (it joined both with " / ").
    const notice = await world
      .db('notifications')
      .where({ user_id: world.people.hrSteward.id, kind: 'ticket.reassigned_in' })
      .first('body');
    expect(notice.body).toContain(`改派理由：数据目录导入（版本 ${result.versionId}）改变了负责部门`);
    expect(notice.body).not.toContain('a catalog import');

    // 电子邮箱 is no longer in the catalog: the report stays open with HR for a person to answer.
    expect(await ticket(email.ticket_id)).toEqual(removedBefore);
    expect(removedBefore.status).toBe('open');

    // The same file again: nothing left to move.
    expect((await importCatalog(world.db, CHANGED)).summary.tickets).toEqual({ moved: [], closed: 0, duplicates: 0 });
  });
});

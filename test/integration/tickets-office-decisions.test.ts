import request from 'supertest';
import { issueApiToken } from '../../server/services/users';
import { buildTicket, exampleCatalog, TicketsPerson, useTicketsWorld } from '../factories/tickets';
import { postForm, switchLocale } from '../helpers/app';

/**
 * What the IT office's decisions on a ticket do beyond the ticket: who is told, and what a decision sent after a
 * colleague (or another tab) decided otherwise does. October 2026: a medium ticket filed Monday 10-12 is due 10-19.
 */
const catalog = exampleCatalog();
const T0 = new Date('2026-10-12T02:00:00Z');

const w = useTicketsWorld({
  now: new Date('2026-10-13T02:00:00Z'),
  people: {
    hrSteward: { department: 'HR', roles: ['steward'] },
    hrLeader: { department: 'HR', roles: ['dept_leader'] },
    orgSteward: { department: 'ORG', roles: ['steward'] },
    office: { department: 'ITC', roles: ['it_office'] },
    chief: { department: 'ITC', roles: ['it_office'] },
  },
});
const { people } = w;

const fileTicket = async (field: string) => (await buildTicket(w.db, catalog, T0, { field })).id;
const ticketRow = (id: number) => w.db('tickets').where({ id }).first();
const notices = (person: TicketsPerson, kind: string) =>
  w.db('notifications').where({ user_id: person.id, kind }).orderBy('id').select('title', 'body', 'title_en', 'body_en', 'link');

/**
 * HR's steward asks for `days` more working days on ticket `id`; the ticket's version after it, as the office's page
 * then carries it in its forms. Written once: the 'decided elsewhere' cases below each start from a request waiting
 * for the office.
 */
const askForMore = async (id: number, days: string) => {
  await postForm(await w.signIn('hrSteward'), `/tickets/${id}/extension`, { days, reason: '等待人事系统厂商修复' }).expect(302);
  return String((await ticketRow(id)).version);
};

/**
 * HR's steward disputes ticket `id` (not its data); the ticket's version after it. Written once: the dispute cases
 * below each start from a dispute waiting for the office.
 */
const disputed = async (id: number, reason: string) => {
  await postForm(await w.signIn('hrSteward'), `/tickets/${id}/dispute`, { reason }).expect(302);
  return (await ticketRow(id)).version;
};

/**
 * The two places a 'decided elsewhere' case decides from: `it`, the office, and `other`, a colleague of the office
 * (chief), each signed in. Written once: three cases start from the same pair.
 */
const officeAndColleague = async () => ({ it: await w.signIn('office'), other: await w.signIn('chief') });

describe('closing a ticket', () => {
  it("tells the department's stewards and leaders, with the office's reason masked, from the page and the API", async () => {
    const id = await fileTicket('staff_no');
    const it = await w.signIn('office');
    const mailsBefore = w.outbox().length;
    // Refused (no reason): nobody hears anything.
    await postForm(it, `/tickets/${id}/transition`, { to: 'closed', comment: ' ' }).expect(422);
    expect(await notices(people.hrSteward, 'ticket.closed')).toEqual([]);
    await postForm(it, `/tickets/${id}/transition`, {
      to: 'closed',
      comment: '职工号规则已调整，不再检查；联系 13812345678',
    }).expect(302);
    // The office is told who heard it, as after its other decisions.
    expect((await it.agent.get(`/tickets/${id}`).expect(200)).text).toMatch(
      /class="flash flash-success"[^>]*>\s*工单已关闭，已通知责任单位。/,
    );
    for (const person of [people.hrSteward, people.hrLeader])
      expect(await notices(person, 'ticket.closed')).toEqual([
        {
          title: `【已关闭】质量工单 #${id} 已由信息化办公室关闭，无需再整改`,
          body: expect.stringContaining('关闭原因：职工号规则已调整，不再检查；联系 138****5678'),
          title_en: `[Closed] Quality ticket #${id} was closed by the IT office; nothing more to fix`,
          body_en: expect.stringContaining('Reason: 职工号规则已调整，不再检查；联系 138****5678'),
          link: `/tickets/${id}`,
        },
      ]);
    expect(await notices(people.orgSteward, 'ticket.closed')).toEqual([]);
    // By e-mail too (the department's steward address), the reason masked there as well.
    const mails = w.outbox().slice(mailsBefore);
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatch(/^To: hr-steward@example\.edu\.cn$/m);
    const mailBody = Buffer.from(
      mails[0]
        .split(/\r?\n\r?\n/)
        .slice(1)
        .join(''),
      'base64',
    ).toString('utf8');
    expect(mailBody).toContain('关闭原因：职工号规则已调整，不再检查；联系 138****5678');
    // The same form sent again closes nothing and tells nobody again.
    await postForm(it, `/tickets/${id}/transition`, { to: 'closed', comment: '再次' }).expect(302);
    expect(await notices(people.hrSteward, 'ticket.closed')).toHaveLength(1);

    // The API's close tells them too.
    const other = await fileTicket('name');
    const token = await issueApiToken(w.db, people.office.id);
    await request(w.app)
      .post(`/api/v1/tickets/${other}/transitions`)
      .set('Authorization', `Bearer ${token}`)
      .send({ to: 'closed', comment: '重复工单' })
      .expect(200);
    expect((await notices(people.hrSteward, 'ticket.closed')).map((n) => n.title)).toEqual([
      `【已关闭】质量工单 #${id} 已由信息化办公室关闭，无需再整改`,
      `【已关闭】质量工单 #${other} 已由信息化办公室关闭，无需再整改`,
    ]);
  });
});

describe('a decision sent after another was taken (another tab, a colleague)', () => {
  it('refusing a request a colleague granted is a 409 saying so, the reason kept to copy, nothing changed', async () => {
    const id = await fileTicket('email');
    const version = await askForMore(id, '3');
    const { it, other } = await officeAndColleague();
    await postForm(other, `/tickets/${id}/extension/grant`, { days: '2', reason: '', version }).expect(302);
    const granted = await ticketRow(id);
    const refused = await postForm(it, `/tickets/${id}/extension/refuse`, {
      reason: '厂商修复不需要三天，请按期整改',
      version,
    }).expect(409);
    expect(refused.text).toContain(
      `工单 #${id} 的延期申请已由他人决定：同意延期 2 个工作日，整改期限顺延至 ${granted.due_at}；本次提交未作改动`,
    );
    expect(refused.text).toMatch(
      /<label for="ticket-unsent">你填写的不同意延期的理由（未发送，可复制）<\/label>\s*<textarea id="ticket-unsent" rows="3" readonly>厂商修复不需要三天，请按期整改<\/textarea>/,
    );
    expect(await ticketRow(id)).toEqual(granted);
    expect((await notices(people.hrSteward, 'ticket.extension_denied')).filter((n) => n.link === `/tickets/${id}`)).toEqual([]);

    // In English too.
    await switchLocale(it, 'en');
    const en = await postForm(it, `/tickets/${id}/extension/refuse`, { reason: 'Fix it on time', version }).expect(409);
    expect(en.text).toContain(
      `The request for more time on ticket #${id} was already answered by someone else: 2 working days granted, now due ${granted.due_at}; nothing was changed`,
    );
    expect(en.text).toContain(
      '<label for="ticket-unsent">Reason for refusing more time: what you typed (not sent, to copy)</label>',
    );
    await switchLocale(it, 'zh-CN');

    // The same answer sent again (a double click) is done: back to the ticket with a notice, nothing changed.
    const twice = await postForm(other, `/tickets/${id}/extension/grant`, { days: '2', version }).expect(302);
    expect(twice.headers.location).toBe(`/tickets/${id}`);
    expect(await ticketRow(id)).toEqual(granted);
  });

  it('granting a request a colleague refused is a 409 saying so, the note kept', async () => {
    const id = await fileTicket('mobile');
    const version = await askForMore(id, '5');
    const { it, other } = await officeAndColleague();
    await postForm(other, `/tickets/${id}/extension/refuse`, { reason: '请按期整改', version }).expect(302);
    const before = await ticketRow(id);
    const res = await postForm(it, `/tickets/${id}/extension/grant`, {
      days: '5',
      reason: '同意，请在新期限前完成',
      version,
    }).expect(409);
    expect(res.text).toContain(`工单 #${id} 的延期申请已由他人决定：不同意延期；本次提交未作改动`);
    expect(res.text).toMatch(/<textarea id="ticket-unsent" rows="3" readonly>同意，请在新期限前完成<\/textarea>/);
    expect(await ticketRow(id)).toEqual(before);
    expect((await notices(people.hrSteward, 'ticket.extension_given')).filter((n) => n.link === `/tickets/${id}`)).toEqual([]);
  });

  it('keeping a dispute a colleague settled by reassigning is a 409, the reason kept', async () => {
    const id = await fileTicket('phone');
    const version = await disputed(id, '电话由组织部维护');
    const { it, other } = await officeAndColleague();
    await postForm(other, `/tickets/${id}/reassign`, { department: 'ORG', reason: '组织部维护', version }).expect(302);
    const reassigned = await ticketRow(id);
    const res = await postForm(it, `/tickets/${id}/dispute/dismiss`, { reason: '电话由人事处维护', version }).expect(409);
    expect(res.text).toContain(`工单 #${id} 的异议已由他人处理（见处理记录）；本次提交未作改动`);
    expect(res.text).toMatch(/<textarea id="ticket-unsent" rows="3" readonly>电话由人事处维护<\/textarea>/);
    expect(await ticketRow(id)).toEqual(reassigned);
    expect(await notices(people.orgSteward, 'ticket.dispute_refused')).toEqual([]);
    expect(await notices(people.hrSteward, 'ticket.dispute_refused')).toEqual([]);
  });
});

describe('a decision sent after the same person took one in another tab or window', () => {
  const flashOf = async (agent: Awaited<ReturnType<typeof w.signIn>>['agent'], id: number) =>
    /class="flash flash-info"[^>]*>\s*([^<]*?)\s*</.exec((await agent.get(`/tickets/${id}`).expect(200)).text)?.[1];

  it('says that person decided it, not someone else: the other answer a 409, the same one a notice', async () => {
    const id = await fileTicket('home_address');
    const version = await askForMore(id, '3');
    // Two tabs of one session and a second session of the same account (another browser): both are that person.
    const tab = await w.signIn('office');
    const window = await w.signIn('office');
    await postForm(tab, `/tickets/${id}/extension/grant`, { days: '2', reason: '', version }).expect(302);
    const granted = await ticketRow(id);
    for (const who of [tab, window]) {
      const refused = await postForm(who, `/tickets/${id}/extension/refuse`, { reason: '请按期整改', version }).expect(409);
      expect(refused.text).toContain(
        `您已在其他页面决定了工单 #${id} 的延期申请：同意延期 2 个工作日，整改期限顺延至 ${granted.due_at}；本次提交未作改动`,
      );
      expect(refused.text).not.toContain('由他人');
    }
    // The same answer again (the form sent twice, or from the other tab): done, and said to be that person's.
    await postForm(tab, `/tickets/${id}/extension/grant`, { days: '2', version }).expect(302);
    expect(await flashOf(tab.agent, id)).toBe(
      `工单 #${id} 的延期申请您已作出同样的决定（在其他页面，或表单提交了两次）；本次提交未作改动`,
    );
    expect(await ticketRow(id)).toEqual(granted);
    // A colleague who sends the other answer still reads that someone else decided.
    const other = await w.signIn('chief');
    expect(
      (await postForm(other, `/tickets/${id}/extension/refuse`, { reason: '请按期整改', version }).expect(409)).text,
    ).toContain(`工单 #${id} 的延期申请已由他人决定：同意延期 2 个工作日`);

    // In English, a refusal decided in the other tab.
    const later = await fileTicket('office_address');
    const laterVersion = await askForMore(later, '5');
    await postForm(window, `/tickets/${later}/extension/refuse`, { reason: '请按期整改', version: laterVersion }).expect(302);
    await switchLocale(tab, 'en');
    const en = await postForm(tab, `/tickets/${later}/extension/grant`, {
      days: '5',
      reason: 'Agreed',
      version: laterVersion,
    }).expect(409);
    expect(en.text).toContain(
      `You already answered the request for more time on ticket #${later} in another tab or window: refused; nothing was changed`,
    );
    await postForm(tab, `/tickets/${later}/extension/refuse`, { reason: 'Fix it on time', version: laterVersion }).expect(302);
    expect(await flashOf(tab.agent, later)).toBe(
      `You already gave this answer to the request for more time on ticket #${later} (in another tab or window, or by sending the form twice); nothing was changed`,
    );
    await switchLocale(tab, 'zh-CN');
  });

  it('a dispute: reassigned in one tab, kept in the other, is a 409 saying that person settled it', async () => {
    const id = await fileTicket('work_phone');
    const version = await disputed(id, '电话由组织部维护');
    const it = await w.signIn('office');
    await postForm(it, `/tickets/${id}/reassign`, { department: 'ORG', reason: '组织部维护', version }).expect(302);
    const reassigned = await ticketRow(id);
    const res = await postForm(it, `/tickets/${id}/dispute/dismiss`, { reason: '电话由人事处维护', version }).expect(409);
    expect(res.text).toContain(`您已在其他页面处理了工单 #${id} 的异议（见处理记录）；本次提交未作改动`);
    expect(res.text).toMatch(/<textarea id="ticket-unsent" rows="3" readonly>电话由人事处维护<\/textarea>/);
    expect(await ticketRow(id)).toEqual(reassigned);
    await switchLocale(it, 'en');
    expect((await postForm(it, `/tickets/${id}/dispute/dismiss`, { reason: 'HR keeps it', version }).expect(409)).text).toContain(
      `You already settled the dispute on ticket #${id} in another tab or window (see its history); nothing was changed`,
    );
    await switchLocale(it, 'zh-CN');

    // Kept in one tab, kept again in the other: done, a notice saying so.
    const kept = await fileTicket('birth_place');
    const keptVersion = await disputed(kept, '不是本单位数据');
    for (let i = 0; i < 2; i++)
      await postForm(it, `/tickets/${kept}/dispute/dismiss`, { reason: '由人事处维护', version: keptVersion }).expect(302);
    expect(await flashOf(it.agent, kept)).toBe(
      `工单 #${kept} 的异议您已决定不采纳（在其他页面，或表单提交了两次）；本次提交未作改动`,
    );
  });
});

describe('granting more time', () => {
  it('warns on the grant form when even the days asked for leave the ticket past due', async () => {
    const id = await fileTicket('office_phone');
    expect((await ticketRow(id)).due_at).toBe('2026-10-19');
    // Thursday 10-22, three days late, HR asks for 2 more working days: 10-19 + 2 is Wednesday 10-21, already past.
    w.ctx.now = () => new Date('2026-10-22T02:00:00Z');
    try {
      const hr = await w.signIn('hrSteward');
      await postForm(hr, `/tickets/${id}/extension`, { days: '2', reason: '等待厂商' }).expect(302);
      const it = await w.signIn('office');
      const page = (await it.agent.get(`/tickets/${id}`).expect(200)).text;
      expect(page).toContain('按申请的 2 个工作日，整改期限将由 2026-10-19 顺延至 2026-10-21；也可以同意更少的天数。');
      expect(page).toContain(
        '<p class="field-warning grant-past">注意：顺延后的整改期限仍早于今天（2026-10-22），工单同意后仍为逾期。如需给出今后的期限，请不同意本次申请并说明，由责任单位按所需天数重新申请。</p>',
      );
      await switchLocale(it, 'en');
      expect((await it.agent.get(`/tickets/${id}`).expect(200)).text).toContain(
        '<p class="field-warning grant-past">Note: the due date this gives is still before today (2026-10-22): the ticket stays overdue once granted. To give a date still to come, refuse this request saying so, and the department asks again for the days it needs.</p>',
      );
      await switchLocale(it, 'zh-CN');

      // A request whose date is still to come carries no warning (only the one the page's script shows for fewer days
      // typed that end before today, hidden).
      const later = (await buildTicket(w.db, catalog, new Date('2026-10-22T02:00:00Z'), { field: 'birth_date' })).id;
      await postForm(hr, `/tickets/${later}/extension`, { days: '2', reason: '等待厂商' }).expect(302);
      const shown = (await it.agent.get(`/tickets/${later}`).expect(200)).text.match(
        /<p class="field-warning grant-past"[^>]*>/g,
      );
      expect(shown).toEqual([expect.stringMatching(/ hidden>$/)]);
    } finally {
      w.ctx.now = () => new Date('2026-10-13T02:00:00Z');
    }
  });
});

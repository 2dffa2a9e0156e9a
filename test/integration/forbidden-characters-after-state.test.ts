import type { AccessWorld, Person } from '../factories/access';
import { createAccessWorldApp } from '../factories/access';
import { buildTicket, exampleCatalog } from '../factories/tickets';
import { postForm, sessionCache, type TestApp } from '../helpers/app';
import { changedSince, mark } from '../helpers/change-log';

/**
 * A text box whose forbidden characters (a NUL, a direction override) its route refuses itself (CHECKED_BY_ROUTE in
 * middleware/body-safety.ts) is judged after the state that decides whether the page shows the box: where the object's
 * state refuses the action — the ticket closed, the request for more time decided, the stage reviewed, the period closed
 * already, the form sent twice — the answer is the state's, as for any other text. It was a 422 naming the box on a
 * page that has no such box (the message showed nowhere: b97715e2, 8e690ec4 for a report's withdrawal and reopening),
 * or a message about the box in place of the one saying why nothing can be done.
 *
 * Each case puts an object in such a state, sends the box with `ab`, then with `a\u0000b` and `a\u202Eb`: the same
 * status, the same place, the same messages (a redirect's on the page it leads to), nothing written.
 */

let t: TestApp;
let w: AccessWorld;
const sessionOf = sessionCache(() => t.app);
const catalog = exampleCatalog();

/** The messages a page shows: its notice (flash) and each message beside a box. */
const messagesOn = (html: string): string[] =>
  [...html.matchAll(/class="(?:flash [^"]*|field-error)"[^>]*>([^<]*)</g)].map((m) => m[1].trim()).filter(Boolean);

interface Answer {
  status: number;
  location: string | null;
  messages: string[];
}

/** What `who` is answered posting `body` to `path`: nothing may be written (the state refuses the action). */
async function answerTo(who: Person, path: string, body: Record<string, string>): Promise<Answer> {
  const session = await sessionOf(who);
  const before = await mark(t.db.knex);
  const res = await postForm(session, path, body);
  expect(await changedSince(t.db.knex, before)).toEqual([]);
  const location = (res.headers.location as string | undefined) ?? null;
  // A redirect's notice is said on the page it leads to.
  const page = location ? (await session.agent.get(location)).text : res.text;
  return { status: res.status, location, messages: messagesOn(page) };
}

/** Posts a form that must do what it says (setting a case up), and reads the page it leads to (its notice said). */
async function done(who: Person, path: string, body: Record<string, string>, status = [302, 303]): Promise<void> {
  const session = await sessionOf(who);
  const res = await postForm(session, path, body);
  if (!status.includes(res.status)) throw new Error(`${path} answered ${res.status}: ${messagesOn(res.text).join(' / ')}`);
  if (res.headers.location) await session.agent.get(res.headers.location as string);
}

/** A new quality ticket of HR's (a check and field of its own, so each case has a ticket of its own). */
const tickets = ['staff_no', 'name', 'id_card', 'political_status', 'mobile'].flatMap((field) =>
  (['required', 'unique'] as const).map((check) => ({ check, field })),
);
let ticketsMade = 0;
async function newTicket(): Promise<number> {
  const { check, field } = tickets[ticketsMade++];
  const ticket = await buildTicket(t.db.knex, catalog, t.ctx.now(), { department: 'HR', table: 'staff_basic', field, check });
  // Filed now, not one filed before (its history is its filing alone).
  const events = await t.db.knex('ticket_events').where({ ticket_id: ticket.id }).count({ n: '*' }).first();
  expect(Number(events?.n)).toBe(1);
  return Number(ticket.id);
}

const HR = () => w.people.HR;
const closeTicket = (id: number) =>
  done(HR().it_office, `/tickets/${id}/transition`, { to: 'closed', comment: '重复工单，另案处理' });

/** HR's review of its applicant's sharing request (stage 1), approved once whichever case comes first. */
let hrStage: Promise<void> | undefined;
const hrStageDecided = () =>
  (hrStage ??= done(HR().steward, `/sharing/${w.objects.HR.request}/decision`, { decision: 'approve' }));

interface Case {
  /** The route, the box and the state it is sent in. */
  name: string;
  box: string;
  /** Puts the object in the state; who sends, where, and the form's other fields. */
  setup(): Promise<{ who: Person; path: string; body?: Record<string, string> }>;
}

const CASES: Case[] = [
  {
    name: 'a ticket closed: its fix note (transition to fixed)',
    box: 'comment',
    async setup() {
      const id = await newTicket();
      await closeTicket(id);
      return { who: HR().steward, path: `/tickets/${id}/transition`, body: { to: 'fixed' } };
    },
  },
  {
    name: 'a ticket fixed already: its fix note (the form sent twice)',
    box: 'comment',
    async setup() {
      const id = await newTicket();
      await done(HR().steward, `/tickets/${id}/transition`, { to: 'fixed', comment: '已补录职工号' });
      return { who: HR().steward, path: `/tickets/${id}/transition`, body: { to: 'fixed' } };
    },
  },
  {
    name: 'a ticket closed already: its closing reason (the form sent twice)',
    box: 'comment',
    async setup() {
      const id = await newTicket();
      await closeTicket(id);
      return { who: HR().it_office, path: `/tickets/${id}/transition`, body: { to: 'closed' } };
    },
  },
  {
    name: "a ticket disputed already: the dispute's reason",
    box: 'reason',
    async setup() {
      const id = await newTicket();
      await done(HR().steward, `/tickets/${id}/dispute`, { reason: '不是本部门的数据' });
      return { who: HR().steward, path: `/tickets/${id}/dispute` };
    },
  },
  {
    name: "a ticket closed: the dispute's reason",
    box: 'reason',
    async setup() {
      const id = await newTicket();
      await closeTicket(id);
      return { who: HR().steward, path: `/tickets/${id}/dispute` };
    },
  },
  {
    name: 'a ticket not disputed: the reason to keep it with its department',
    box: 'reason',
    async setup() {
      const id = await newTicket();
      return { who: HR().it_office, path: `/tickets/${id}/dispute/dismiss` };
    },
  },
  {
    name: 'more time asked already: the reason to ask',
    box: 'reason',
    async setup() {
      const id = await newTicket();
      await done(HR().steward, `/tickets/${id}/extension`, { days: '3', reason: '等待人事处发文' });
      return { who: HR().steward, path: `/tickets/${id}/extension`, body: { days: '3' } };
    },
  },
  {
    name: 'more time refused already: the reason to grant it',
    box: 'reason',
    async setup() {
      const id = await newTicket();
      await done(HR().steward, `/tickets/${id}/extension`, { days: '3', reason: '等待人事处发文' });
      await done(HR().it_office, `/tickets/${id}/extension/refuse`, { reason: '请按期处理' });
      return { who: HR().it_office, path: `/tickets/${id}/extension/grant`, body: { days: '3' } };
    },
  },
  {
    name: 'more time refused already: the reason to refuse it (the form sent twice)',
    box: 'reason',
    async setup() {
      const id = await newTicket();
      await done(HR().steward, `/tickets/${id}/extension`, { days: '3', reason: '等待人事处发文' });
      await done(HR().it_office, `/tickets/${id}/extension/refuse`, { reason: '请按期处理' });
      return { who: HR().it_office, path: `/tickets/${id}/extension/refuse` };
    },
  },
  {
    name: 'a ticket closed: the reason to reassign it',
    box: 'reason',
    async setup() {
      const id = await newTicket();
      await closeTicket(id);
      return { who: HR().it_office, path: `/tickets/${id}/reassign`, body: { department: 'STU' } };
    },
  },
  {
    name: 'a report withdrawn already: the reason to withdraw it',
    box: 'reason',
    async setup() {
      const id = w.objects.HR.report;
      await done(HR().user, `/reports/${id}/withdraw`, { reason: '' });
      return { who: HR().user, path: `/reports/${id}/withdraw` };
    },
  },
  {
    name: "a report ticket not answered yet: the IT office's reason to reopen it",
    box: 'comment',
    async setup() {
      return { who: HR().it_office, path: `/reports/tickets/${w.objects.HR.reportTicket}/reopen` };
    },
  },
  {
    name: 'a report ticket reopened by the IT office already: its reason (the form sent twice)',
    box: 'comment',
    async setup() {
      const id = w.objects.STU.reportTicket;
      await closeTicket(id);
      await done(HR().it_office, `/reports/tickets/${id}/reopen`, { comment: '整改未完成，重新处理' });
      return { who: HR().it_office, path: `/reports/tickets/${id}/reopen` };
    },
  },
  {
    name: "a sharing request's stage decided already: the reviewer's opinion",
    box: 'comment',
    async setup() {
      await hrStageDecided();
      return { who: HR().steward, path: `/sharing/${w.objects.HR.request}/decision`, body: { decision: 'approve' } };
    },
  },
  {
    name: "a sharing request's stage decided already: the reviewer's reason to refuse",
    box: 'reason',
    async setup() {
      await hrStageDecided();
      return { who: HR().steward, path: `/sharing/${w.objects.HR.request}/decision`, body: { decision: 'reject' } };
    },
  },
  {
    name: "a sharing request's stage decided already: the grant's expiry",
    box: 'expires_on',
    async setup() {
      await hrStageDecided();
      return { who: HR().steward, path: `/sharing/${w.objects.HR.request}/decision`, body: { decision: 'approve' } };
    },
  },
  {
    name: 'a sharing request not refused: the objection (arbitration)',
    box: 'note',
    async setup() {
      return { who: HR().user, path: `/sharing/${w.objects.HR.request}/arbitration` };
    },
  },
  {
    name: "a sharing request without an arbitration: the office's conclusion",
    box: 'note',
    async setup() {
      return {
        who: HR().it_office,
        path: `/sharing/${w.objects.HR.request}/arbitration/decision`,
        body: { decision: 'uphold' },
      };
    },
  },
  {
    name: 'a grant revoked already: the reason to revoke it',
    box: 'reason',
    async setup() {
      const id = w.objects.STU.request;
      await t.db.knex('sharing_grants').insert({
        request_id: id,
        items: JSON.stringify([{ table: 'staff_basic', fields: ['staff_no'], range: '' }]),
        method: 'api',
        whitelist: JSON.stringify([]),
        expires_on: '2027-03-01',
        granted_at: t.ctx.now(),
        revoked_at: t.ctx.now(),
        revoke_reason: '系统已下线',
      });
      return { who: HR().it_office, path: `/sharing/${id}/revoke` };
    },
  },
  {
    name: 'a structure change reviewed already: the review note',
    box: 'note',
    async setup() {
      const id = w.objects.HR.structureChange;
      await done(HR().it_office, `/sharing/structure-changes/${id}/review`, { decision: 'approve', note: '' });
      return { who: HR().it_office, path: `/sharing/structure-changes/${id}/review`, body: { decision: 'approve' } };
    },
  },
  {
    name: "a department's appeal made already: the appeal's text",
    box: 'comment',
    async setup() {
      return { who: HR().steward, path: `/scorecards/periods/${w.closedPeriod}/appeals` };
    },
  },
  {
    name: "an appeal answered already: the office's answer",
    box: 'answer',
    async setup() {
      const id = w.objects.HR.appeal;
      await done(HR().it_office, `/scorecards/appeals/${id}/answer`, { answer: '已复核，维持原评分' });
      return { who: HR().it_office, path: `/scorecards/appeals/${id}/answer` };
    },
  },
  {
    name: "a period closed already: the period's name",
    box: 'label',
    async setup() {
      return { who: HR().it_office, path: '/scorecards/periods', body: { from: '2026-02-01', to: '2026-02-28' } };
    },
  },
  {
    name: 'a new account made by this very form already (sent twice): its name',
    box: 'name',
    async setup() {
      const admin = HR().admin;
      const page = (await (await sessionOf(admin)).agent.get('/admin/users').expect(200)).text;
      const formId = /name="form_id" value="([^"]+)"/.exec(page)![1];
      const body = { form_id: formId, login: 'box-new', department: 'HR', roles: 'user', email: '' };
      await done(admin, '/admin/users', { ...body, name: '新账号' }, [200]);
      return { who: admin, path: '/admin/users', body };
    },
  },
  {
    name: 'a token issued by this very form already (sent twice): its label',
    box: 'label',
    async setup() {
      const admin = HR().admin;
      const account = HR().user.id;
      const page = (await (await sessionOf(admin)).agent.get(`/admin/users/${account}`).expect(200)).text;
      const formId = /name="form_id" value="([^"]+)"/.exec(page)![1];
      const body = { form_id: formId, expires_in_days: '30' };
      // Issued: the answer is the account's page showing the token once (200), not a redirect.
      await done(admin, `/admin/users/${account}/tokens`, { ...body, label: '数据同步脚本' }, [200]);
      return { who: admin, path: `/admin/users/${account}/tokens`, body };
    },
  },
];

beforeAll(async () => {
  ({ t, w } = await createAccessWorldApp());
}, 120_000);
afterAll(() => t.close());

it.each(CASES.map((c) => [c.name, c] as const))(
  '%s: a NUL or a direction override gets the answer any text gets',
  async (_name, c) => {
    const { who, path, body = {} } = await c.setup();
    const plain = await answerTo(who, path, { ...body, [c.box]: 'ab' });
    // The state refuses the action and says so somewhere.
    expect(plain.messages.length).toBeGreaterThan(0);
    for (const text of ['a\u0000b', 'a\u202Eb']) expect(await answerTo(who, path, { ...body, [c.box]: text })).toEqual(plain);
  },
);

it("a period closed already: a name too long is answered as closed already too (the name's problems come after)", async () => {
  const office = w.people.HR.it_office;
  const body = { from: '2026-02-01', to: '2026-02-28' };
  const plain = await answerTo(office, '/scorecards/periods', { ...body, label: 'ab' });
  expect(plain.messages).toEqual(['2026-02-01 至 2026-02-28 已关账']);
  expect(await answerTo(office, '/scorecards/periods', { ...body, label: '名'.repeat(201) })).toEqual(plain);
});

/**
 * Where the state allows the action, the same boxes with a NUL: the page comes back (422) with the message beside the
 * box and the text as typed (the NUL as a browser shows it, U+FFFD), nothing written. The app-wide refusal answered
 * with its bare error page, the form and what was typed gone.
 */
describe('a NUL where the state allows the action: the form again, the message beside its box', () => {
  const NUL =
    '文本中含有看不见的控制字符（常见于从其他程序复制电话号码或文字时一并带入）：请删除这部分后重新输入（字符代码 \\u0000）';
  /** The message beside a box, by the message's id (null: none). */
  const messageAt = (html: string, id: string) =>
    new RegExp(`<p class="field-error"(?: role="alert")? id="${id}">([^<]*)</p>`).exec(html)?.[1] ?? null;

  async function sentBack(who: Person, path: string, body: Record<string, string>) {
    const session = await sessionOf(who);
    const before = await mark(t.db.knex);
    const res = await postForm(session, path, body);
    expect(await changedSince(t.db.knex, before)).toEqual([]);
    return res;
  }

  it("a report ticket the IT office may reopen: its reason, kept in the reopen form's box", async () => {
    const id = w.objects.STU.reportTicket;
    await closeTicket(id);
    const res = await sentBack(HR().it_office, `/reports/tickets/${id}/reopen`, { comment: '整改\u0000未完成' });
    expect(res.status).toBe(422);
    expect(messageAt(res.text, 'office-reopen-error')).toBe(NUL);
    expect(res.text).toMatch(/<textarea id="office-reopen" name="comment"[^>]*>整改\uFFFD未完成<\/textarea>/);
  });

  it("a sharing request's final review: the reason to refuse and the grant's expiry, each beside its box", async () => {
    const id = w.objects.STU.request;
    // Every earlier stage approved: the IT office's final review waits.
    await t.db.knex('sharing_stages').where({ request_id: id }).whereNot({ kind: 'it_final' }).update({ status: 'approved' });
    await t.db
      .knex('sharing_stages')
      .where({ request_id: id, kind: 'it_final' })
      .update({ status: 'pending', activated_at: t.ctx.now() });
    await t.db.knex('sharing_requests').where({ id }).update({ status: 'in_review' });
    const stage = await t.db.knex('sharing_stages').where({ request_id: id, kind: 'it_final' }).first('id');
    const path = `/sharing/${id}/decision`;
    const refused = await sentBack(HR().it_office, path, {
      stage_id: String(stage.id),
      decision: 'reject',
      reason: 'other\u0000',
      comment: '用途与申请不符',
    });
    expect(refused.status).toBe(422);
    expect(messageAt(refused.text, `decide-${stage.id}-reason-error`)).toBe(NUL);
    // The form's other boxes as typed.
    expect(refused.text).toMatch(new RegExp(`<textarea id="decide-${stage.id}-comment"[^>]*>用途与申请不符</textarea>`));
    const approved = await sentBack(HR().it_office, path, {
      stage_id: String(stage.id),
      decision: 'approve',
      expires_on: '2027-03-01\u0000',
      comment: '同意共享',
    });
    expect(approved.status).toBe(422);
    expect(messageAt(approved.text, `decide-${stage.id}-expires_on-error`)).toBe(NUL);
    expect(approved.text).toMatch(
      new RegExp(`<input type="date" id="decide-${stage.id}-expires_on" name="expires_on" value="2027-03-01\uFFFD"`),
    );
    expect(approved.text).toMatch(new RegExp(`<textarea id="decide-${stage.id}-comment"[^>]*>同意共享</textarea>`));
  });
});

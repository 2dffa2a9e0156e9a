import { MAX_COMMENT } from '../../server/services/tickets';
import { buildTicket, exampleCatalog, useTicketsWorld } from '../factories/tickets';
import { postForm } from '../helpers/app';

/**
 * The ticket page's boxes stop where the ticket service refuses (MAX_COMMENT characters): nothing stopped a pasted
 * 3,000-character comment or reason until the page came back with 最多 2000 个字符 and the text to cut.
 */
const catalog = exampleCatalog();
const T0 = new Date('2026-10-12T02:00:00Z');

const w = useTicketsWorld({
  now: new Date('2026-10-13T02:00:00Z'),
  people: { hrSteward: { department: 'HR', roles: ['steward'] }, office: { department: 'ITC', roles: ['it_office'] } },
});

/**
 * Each text box of the ticket's own forms (those posting to /tickets/<id>/…) by its id, with its maxlength (NaN when
 * none). Not the hidden fields, nor the days boxes (a number of working days, refused above MAX_EXTENSION_DAYS).
 */
const boxLimits = (page: string, id: number) => {
  const limits: Record<string, number> = {};
  for (const form of page.match(/<form\b[^>]*>[\s\S]*?<\/form>/g) ?? []) {
    if (!new RegExp(`^<form\\b[^>]*action="/tickets/${id}/`).test(form)) continue;
    for (const box of form.match(/<(?:textarea|input)\b[^>]*>/g) ?? []) {
      if (/\btype="hidden"/.test(box) || /\binputmode="numeric"/.test(box)) continue;
      limits[/\bid="([^"]+)"/.exec(box)?.[1] ?? box] = Number(/\bmaxlength="(\d+)"/.exec(box)?.[1]);
    }
  }
  return limits;
};

const everyOne = (ids: string[]) => Object.fromEntries(ids.map((id) => [id, MAX_COMMENT]));

describe("the ticket page's boxes", () => {
  it("stop where the ticket service's limit is (maxlength), as the report pages' boxes do", async () => {
    const id = (await buildTicket(w.db, catalog, T0, { field: 'staff_no' })).id;
    const steward = await w.signIn('hrSteward');
    const it = await w.signIn('office');
    // The department's: its fix note, dispute, request for more time and comment.
    expect(boxLimits((await steward.agent.get(`/tickets/${id}`).expect(200)).text, id)).toEqual(
      everyOne(['fix-comment', 'dispute-reason', 'extension-reason', 'comment']),
    );
    // The office's: reassigning, closing, commenting.
    expect(boxLimits((await it.agent.get(`/tickets/${id}`).expect(200)).text, id)).toEqual(
      everyOne(['reassign-reason', 'close-reason', 'comment']),
    );
    // A request for more time waiting: the office's grant and refusal.
    await postForm(steward, `/tickets/${id}/extension`, { days: '3', reason: '等待人事系统厂商修复' }).expect(302);
    expect(boxLimits((await it.agent.get(`/tickets/${id}`).expect(200)).text, id)).toEqual(
      everyOne(['grant-reason', 'refuse-reason', 'reassign-reason', 'close-reason', 'comment']),
    );
    // A dispute waiting: the office's reason to keep the ticket with the department.
    const disputed = (await buildTicket(w.db, catalog, T0, { field: 'email' })).id;
    await postForm(steward, `/tickets/${disputed}/dispute`, { reason: '此字段由组织部维护' }).expect(302);
    expect(boxLimits((await it.agent.get(`/tickets/${disputed}`).expect(200)).text, disputed)).toEqual(
      everyOne(['reassign-reason', 'dismiss-reason', 'close-reason', 'comment']),
    );
  });
});

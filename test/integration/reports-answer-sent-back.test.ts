import { PDF, reportBody, useReportsWorld } from '../factories/reports';

/**
 * The department's answer to a report ticket (and the IT office's reopen) sent back with a mistake: the form sits a
 * screen or more below the ticket's reports, so the page says at its top what went wrong, each line naming its box and
 * linked to the message beside it — and a document chosen with the answer, which the browser cannot be given again,
 * is named as not kept, beside its box and in the summary (a steward fixing the reason sent "not ours" without its
 * evidence, unaware).
 */
const world = useReportsWorld({ apiTokens: true });
let ticketId: number;

beforeAll(async () => {
  const filed = await world.api('reporter').post('/reports', reportBody()).expect(201);
  ticketId = filed.body.ticket_id;
});

/** The summary's lines as [link target, text]. */
const summaryOf = (html: string) =>
  [
    ...(/<div class="flash flash-error error-summary" role="alert">([\s\S]*?)<\/div>/.exec(html)?.[1] ?? '').matchAll(
      /<a href="#([^"]+)">([^<]*)<\/a>/g,
    ),
  ].map((m) => [m[1], m[2]]);

async function answer(fields: Record<string, string>, document?: [Buffer, string], lang = 'zh-CN') {
  const s = await world.as('orgSteward');
  let req = s.agent
    .post(`/reports/tickets/${ticketId}/answer`)
    .set('Accept', 'text/html')
    .set('Accept-Language', lang)
    .field('_csrf', s.csrf);
  for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
  if (document) req = req.attach('document', document[0], document[1]);
  return req;
}

it('"not ours" without its reason: the summary names the box, and the document chosen is said to be chosen again', async () => {
  const res = await answer({ answer: 'not_ours', comment: '' }, [PDF, '组织部证明.pdf']);
  expect(res.status).toBe(422);
  const lines = summaryOf(res.text);
  expect(lines[0][0]).toBe('answer-comment-error');
  expect(lines[0][1]).toMatch(/^说明：/);
  expect(lines[1]).toEqual(['answer-document-again', '请重新选择依据文件：所选文件“组织部证明.pdf”未随退回的表单保留']);
  // Beside the box, which names it for a screen reader (the summary's link focuses the box).
  expect(res.text).toContain('<p class="warn-text" id="answer-document-again">请重新选择依据文件');
  expect(res.text).toMatch(/id="answer-document"[^>]*aria-describedby="[^"]*answer-document-again/);
  // Nothing was answered.
  expect(await world.db('report_tickets').where({ ticket_id: ticketId }).first('answer')).toMatchObject({ answer: null });
});

it('no answer chosen, in English: the summary names the choice', async () => {
  const res = await answer({ comment: 'done' }, undefined, 'en');
  expect(res.status).toBe(422);
  expect(summaryOf(res.text)).toEqual([['answer-kind-error', 'Answer: Choose an answer']]);
});

it('a comment over 2000 characters says how many were typed, beside the box and in the summary, as the sharing boxes do', async () => {
  const res = await answer({ answer: 'fixed', comment: '长'.repeat(2001) });
  expect(res.status).toBe(422);
  expect(res.text).toContain('id="answer-comment-error">最多 2000 个字符（已填写 2001 个）</p>');
  expect(summaryOf(res.text)).toEqual([['answer-comment-error', '说明：最多 2000 个字符（已填写 2001 个）']]);
});

it('a document of the wrong kind is named by its own message, not as one to choose again', async () => {
  const res = await answer({ answer: 'fixed', comment: '已更正' }, [Buffer.from('plain text'), 'note.txt']);
  expect(res.status).toBe(422);
  const lines = summaryOf(res.text);
  expect(lines.map(([anchor]) => anchor)).toEqual(['answer-document-error']);
  expect(res.text).not.toContain('id="answer-document-again"');
});

it("the IT office's reopen without its reason: the summary says so (its message names the reason)", async () => {
  await world.db('tickets').where({ id: ticketId }).update({ status: 'fixed' });
  const s = await world.as('office');
  const res = await s.agent
    .post(`/reports/tickets/${ticketId}/reopen`)
    .set('Accept', 'text/html')
    .type('form')
    .send({ _csrf: s.csrf, comment: '' });
  expect(res.status).toBe(422);
  // The office is not a reporter who disagrees (请说明不同意的理由 was the reporter's message): it gives a reason to reopen.
  expect(summaryOf(res.text)).toEqual([['office-reopen-error', '请填写重新打开的理由']]);
  const en = await s.agent
    .post(`/reports/tickets/${ticketId}/reopen`)
    .set('Accept', 'text/html')
    .set('Accept-Language', 'en')
    .type('form')
    .send({ _csrf: s.csrf, comment: ' ' });
  expect(summaryOf(en.text)).toEqual([['office-reopen-error', 'Reason: say why it is reopened']]);
});

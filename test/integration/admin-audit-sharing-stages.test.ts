import { translator } from '../../server/i18n';
import { appendAudit } from '../../server/services/audit';
import { inputFromBody } from '../../server/services/sharing/input';
import { decide, submitRequest } from '../../server/services/sharing/workflow';
import { apiRequest, buildHubTable, buildSharingWorld, SharingPeople, sharingActor } from '../factories/sharing';
import { createTestApp, signIn, TestApp } from '../helpers/app';

/**
 * The audit log read a sharing decision's review stage as the workflow's number beside the stage's kind — 审核环节: 5,
 * 类型: 信息化办公室终审、共享数据 — and no reader knows what 5 is. The stage reads as the request page names it, in the
 * reader's language, once, on the page and in the CSV export; rows already stored read so as they are.
 */
const zh = translator('zh-CN');
const en = translator('en');

let t: TestApp;
let people: SharingPeople;
let office: Awaited<ReturnType<typeof signIn>>;
let id: number;
let older: number;

/** The summary lines of the audit page's rows about request `id`, each as `label: value`, in the page's order. */
function pageLines(page: string, requestId: number): string[][] {
  const rows = [...page.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((m) => m[1]);
  return rows
    .filter((row) => row.includes(`#${requestId}<`))
    .map((row) =>
      [...row.matchAll(/<li><span class="k"[^>]*>(.*?)<\/span>: (.*?)<\/li>/g)].map((m) =>
        `${m[1]}: ${m[2]}`.replace(/&#x27;/g, "'").replace(/&amp;/g, '&'),
      ),
    );
}

/** The summary cells of the export's rows about sharing request `id` (RFC 4180: line breaks inside quotes). */
function csvSummaries(text: string, requestId: number): string[] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += c;
  }
  // Columns: seq, time, login, department, action, action name, object type, object id (as text for Excel: ="12"), summary…
  return rows.filter((r) => r[6] === 'sharing_request' && r[7] === `="${requestId}"`).map((r) => r[8]);
}

beforeAll(async () => {
  t = await createTestApp();
  t.ctx.now = () => new Date('2026-03-02T02:00:00Z');
  people = await buildSharingWorld(t.db.knex);
  await buildHubTable(t.db.knex, 'staff_basic', 10);
  // The applicant unit (1), the IT office's first review (2), HR's review of its conditional table (3), the final review (5).
  const input = inputFromBody(apiRequest([{ table: 'staff_basic', fields: ['staff_no'] }]));
  id = (await submitRequest(t.ctx, sharingActor(people.applicant), input, { mode: 'api', t: zh })).id;
  await decide(t.ctx, sharingActor(people.csSteward), id, { decision: 'approve' });
  await decide(t.ctx, sharingActor(people.office), id, { decision: 'approve' });
  await decide(t.ctx, sharingActor(people.hrSteward), id, { decision: 'approve' });
  await decide(t.ctx, sharingActor(people.office2), id, { decision: 'approve' });
  // A row with a stage number but no kind, and one with a number the workflow has no stage for: read as stored.
  older = 990;
  await appendAudit(t.db.knex, {
    action: 'sharing.decision',
    objectType: 'sharing_request',
    objectId: older,
    summary: { stage: 4, decision: 'approve' },
  });
  await appendAudit(t.db.knex, {
    action: 'sharing.decision',
    objectType: 'sharing_request',
    objectId: older + 1,
    summary: { stage: 9, kind: 'leader' },
  });
  office = await signIn(t.app, people.office.login, people.office.password);
});
afterAll(() => t.close());

async function inLocale<T>(locale: 'en' | 'zh-CN', read: () => Promise<T>): Promise<T> {
  await office.agent.post('/locale').type('form').send({ _csrf: office.csrf, locale, next: '/' }).expect(302);
  try {
    return await read();
  } finally {
    await office.agent.post('/locale').type('form').send({ _csrf: office.csrf, locale: 'zh-CN', next: '/' }).expect(302);
  }
}

const stageLines = (lines: string[][], label: string) => lines.map((l) => l.filter((line) => line.startsWith(`${label}: `)));

it("names each decision's review stage as the request page does, once, on the audit page (Chinese and English)", async () => {
  const kinds = ['it_final', 'source', 'it_first', 'applicant_unit'];
  const zhPage = (await office.agent.get('/admin/audit').expect(200)).text;
  // The decisions, newest first; the submission's row has no stage.
  const zhLines = pageLines(zhPage, id).filter((l) => l.some((line) => line.startsWith(`${zh('admin.audit.keys.decision')}: `)));
  expect(stageLines(zhLines, zh('admin.audit.keys.stage'))).toEqual(
    kinds.map((k) => [`${zh('admin.audit.keys.stage')}: ${zh(`sharing.stageKind.${k}`)}`]),
  );
  expect(zhLines[0]).toContain('审核环节: 信息化办公室终审、共享数据');
  // The kind said the same: not a second line.
  expect(stageLines(zhLines, zh('admin.audit.keys.kind'))).toEqual(kinds.map(() => []));

  const enPage = await inLocale('en', async () => (await office.agent.get('/admin/audit').expect(200)).text);
  const enLines = pageLines(enPage, id).filter((l) => l.some((line) => line.startsWith('Decision: ')));
  expect(stageLines(enLines, 'Stage')).toEqual(kinds.map((k) => [`Stage: ${en(`sharing.stageKind.${k}`)}`]));
  expect(enLines[0]).toContain('Stage: IT office final review and grant');
});

it("names the stage so in the CSV export too, in the reader's language", async () => {
  const zhCsv = (await office.agent.get('/admin/audit/export.csv').expect(200)).text;
  const zhCells = csvSummaries(zhCsv, id).filter((c) => c.includes('决定: '));
  expect(zhCells.map((c) => c.split('\n').filter((l) => l.startsWith('审核环节') || l.startsWith('类型')))).toEqual([
    ['审核环节: 信息化办公室终审、共享数据'],
    ['审核环节: 数据来源部门审核'],
    ['审核环节: 信息化办公室数据专员初审'],
    ['审核环节: 数据申请单位信息化专员审核'],
  ]);
  const enCsv = await inLocale('en', async () => (await office.agent.get('/admin/audit/export.csv').expect(200)).text);
  const enCells = csvSummaries(enCsv, id).filter((c) => c.includes('Decision: '));
  expect(enCells[0].split('\n')).toContain('Stage: IT office final review and grant');
  expect(enCells.join('\n')).not.toMatch(/^Stage: \d/m);
});

it('reads rows already stored as they are: a stage number alone by its name, a number no stage has as stored', async () => {
  const page = (await office.agent.get('/admin/audit').expect(200)).text;
  expect(pageLines(page, older)).toEqual([['审核环节: 信息化主管校领导审批', '决定: 同意']]);
  expect(pageLines(page, older + 1)).toEqual([['类型: 信息化主管校领导审批', '审核环节: 9']]);
});

import { translator } from '../../server/i18n';
import { summaryLines } from '../../server/presenters/audit';

// The audit log read coded values as stored — "决定: approve 状态: in_review 原因: scope_too_large 审核环节: 2" — in both
// languages: a sharing request's status, stage, decision and reason, a ticket's or report's status, read as the pages say them.
const zh = translator('zh-CN');
const en = translator('en');
const decision = {
  stage: 2,
  kind: 'it_first',
  department: null,
  decision: 'reject',
  reason: 'scope_too_large',
  status: 'rejected',
};

it("a sharing decision's codes read as words, in the reader's language", () => {
  expect(summaryLines(decision, zh, undefined, 'sharing_request')).toEqual(
    expect.arrayContaining([
      { key: 'stage', value: zh('sharing.stageKind.it_first') },
      { key: 'decision', value: '不同意' },
      { key: 'reason', value: zh('sharing.reasons.scope_too_large') },
      { key: 'status', value: '不共享' },
    ]),
  );
  expect(summaryLines(decision, en, undefined, 'sharing_request')).toEqual(
    expect.arrayContaining([
      { key: 'stage', value: 'IT office first review' },
      { key: 'decision', value: 'Reject' },
    ]),
  );
});

it("a sharing decision's stage reads as its name, once: the stage number (审核环节: 2) beside its kind said nothing more", () => {
  const lines = summaryLines(decision, zh, undefined, 'sharing_request');
  expect(lines.filter((l) => l.key === 'stage' || l.key === 'kind')).toEqual([
    { key: 'stage', value: '信息化办公室数据专员初审' },
  ]);
  // Each of the workflow's numbers (STAGE_NUMBER) by its stage's name; one it has not, and a kind that says otherwise, as stored.
  expect([1, 2, 3, 4, 5].map((stage) => summaryLines({ stage }, en, undefined, 'sharing_request')[0].value)).toEqual([
    en('sharing.stageKind.applicant_unit'),
    en('sharing.stageKind.it_first'),
    en('sharing.stageKind.source'),
    en('sharing.stageKind.leader'),
    en('sharing.stageKind.it_final'),
  ]);
  expect(summaryLines({ stage: 7, kind: 'source' }, zh, undefined, 'sharing_request')).toEqual([
    { key: 'stage', value: '7' },
    { key: 'kind', value: '数据来源部门审核' },
  ]);
  // Another object's `stage` is no sharing stage.
  expect(summaryLines({ stage: 5 }, zh, undefined, 'ticket')).toEqual([{ key: 'stage', value: '5' }]);
});

it("a ticket's event reads its kind, the statuses it left and reached, its check and a report's answer as words", () => {
  const answered = { kind: 'answered', from: 'open', to: 'closed', check: 'report', answer: 'not_error', severity: 'high' };
  expect(summaryLines(answered, zh, undefined, 'ticket')).toEqual(
    expect.arrayContaining([
      { key: 'kind', value: '责任单位答复' },
      { key: 'from', value: '待签收' },
      { key: 'to', value: '已关闭' },
      { key: 'check', value: '用户纠错' },
      { key: 'answer', value: '数据无误' },
      { key: 'severity', value: '高' },
    ]),
  );
  expect(summaryLines({ kind: 'filed', check: 'deadline' }, en, undefined, 'ticket')).toEqual(
    expect.arrayContaining([
      { key: 'kind', value: 'filed the ticket' },
      { key: 'check', value: en('checks.kinds.deadline') },
    ]),
  );
});

it("a ticket's status change reads 待签收 → 已签收; a code without words, or another object's key, stays as stored", () => {
  expect(summaryLines({ before: { status: 'open' }, after: { status: 'acknowledged' } }, zh, undefined, 'ticket')).toEqual([
    { key: 'status', value: `${zh('tickets.status.open')} → ${zh('tickets.status.acknowledged')}` },
  ]);
  expect(summaryLines({ status: 'someday' }, zh, undefined, 'ticket')).toEqual([{ key: 'status', value: 'someday' }]);
  expect(summaryLines({ decision: 'approve' }, zh, undefined, 'user')).toEqual([{ key: 'decision', value: 'approve' }]);
  // The department code is no code of a list with words.
  expect(summaryLines(decision, zh, undefined, 'sharing_request')).toEqual(
    expect.arrayContaining([{ key: 'department', value: '—' }]),
  );
});

// An account's rows read 角色: steward, dept_leader and 登录方式: password on a Chinese page: the codes, where the
// accounts page names the roles 信息化专员、部门领导.
it("an account's roles and sign-in method read as words, in the reader's language; a code without words as stored", () => {
  expect(
    summaryLines({ after: { login: 'wang.hr', department: 'HR', roles: ['steward', 'dept_leader'] } }, zh, undefined, 'user'),
  ).toEqual(expect.arrayContaining([{ key: 'after.roles', value: '信息化专员, 部门领导' }]));
  expect(summaryLines({ before: { roles: ['user'] }, after: { roles: ['user', 'it_office'] } }, en, undefined, 'user')).toEqual([
    { key: 'roles', value: 'Staff member → Staff member, IT office' },
  ]);
  expect(summaryLines({ method: 'password' }, zh, undefined, 'user')).toEqual([{ key: 'method', value: '密码' }]);
  expect(summaryLines({ method: 'password' }, en, undefined, 'user')).toEqual([{ key: 'method', value: 'Password' }]);
  // A campus sign-on's method (no words yet) and a role no version has stay as stored; another object's roles too.
  expect(summaryLines({ method: 'cas' }, zh, undefined, 'user')).toEqual([{ key: 'method', value: 'cas' }]);
  expect(summaryLines({ after: { roles: ['steward', 'auditor'] } }, zh, undefined, 'user')).toEqual([
    { key: 'after.roles', value: '信息化专员, auditor' },
  ]);
  expect(summaryLines({ roles: ['steward'] }, zh, undefined, 'ticket')).toEqual([{ key: 'roles', value: 'steward' }]);
});

// "Run now" of every table is stored as `table: null`, which read 数据表: — (no table) beside a run of them all.
it('a check run started by hand for every table reads 数据表: 全部表, one of one table its name', () => {
  expect(summaryLines({ table: null }, zh, undefined, 'check_run')).toEqual([{ key: 'table', value: '全部表' }]);
  expect(summaryLines({ table: null }, en, undefined, 'check_run')).toEqual([{ key: 'table', value: 'All tables' }]);
  expect(summaryLines({ table: 'staff_basic' }, zh, undefined, 'check_run')).toEqual([{ key: 'table', value: 'staff_basic' }]);
  // Another object's empty table is nothing.
  expect(summaryLines({ table: null }, zh, undefined, 'ticket')).toEqual([{ key: 'table', value: '—' }]);
});

it("a catalog import's source reads as words (来源: 首次启动, not bootstrap); one without words as stored", () => {
  const sourceOf = (source: string | null, t = zh) =>
    summaryLines({ tables: 12, source }, t, undefined, 'catalog_version').find((l) => l.key === 'source')?.value;
  expect(['web', 'cli', 'bootstrap'].map((s) => sourceOf(s))).toEqual(['网页', '命令行', '首次启动']);
  expect(['web', 'cli', 'bootstrap'].map((s) => sourceOf(s, en))).toEqual(['Web page', 'Command line', 'First start']);
  expect(sourceOf('api')).toBe('api');
  expect(sourceOf(null)).toBe('—');
  // Another object's `source` is no catalog import's.
  expect(summaryLines({ source: 'cli' }, zh, undefined, 'ticket')).toEqual([{ key: 'source', value: 'cli' }]);
});

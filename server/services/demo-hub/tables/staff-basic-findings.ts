import { DemoContext, Finding } from '../context';
import { STAFF_GROUPS } from './staff-groups';

/** What each staff_basic defect group means for the example catalog's checks, given today's events. */
export function staffFindings(ctx: DemoContext, staleDate: string | null, newest: string): Finding[] {
  const s = ctx.scales.staff_basic;
  const c = (g: { base: number }): number => g.base * s;
  const ev = ctx.events;
  const table = 'staff_basic' as const;
  const defect = (
    field: string | null,
    check: Finding['check'],
    rows: number,
    zh: string,
    en: string,
    extra: Partial<Finding> = {},
  ): Finding => ({
    kind: 'defect',
    table,
    field,
    check,
    rows,
    description: { 'zh-CN': zh, en },
    ...extra,
  });
  const control = (
    name: string,
    field: string | null,
    check: Finding['check'],
    rows: number,
    zh: string,
    en: string,
  ): Finding => ({
    kind: 'control',
    name,
    table,
    field,
    check,
    rows,
    description: { 'zh-CN': zh, en },
  });

  const findings: Finding[] = [
    control(
      'fresh',
      null,
      'freshness',
      0,
      `最新 update_time 为 ${newest}，未超过24小时，不应报时效性问题`,
      `Newest update_time is ${newest}, under 24 h old: no freshness problem`,
    ),
    defect(
      'staff_no',
      'deadline',
      c(STAFF_GROUPS.dueNoStaffNo),
      '在职、报到已超过7天（报到日期为10天前）但职工号为空',
      'In scope (在职), reported 10 days ago (past the 7-day deadline), staff_no empty',
    ),
    defect(
      'name',
      'deadline',
      c(STAFF_GROUPS.dueNoName),
      '在职、报到已超过7天但姓名为空',
      'In scope, reported 10 days ago, name empty',
    ),
    defect(
      'id_card',
      'deadline',
      c(STAFF_GROUPS.dueNoIdCard),
      '在职、报到已超过7天但身份证号为空',
      'In scope, reported 10 days ago, id_card empty',
    ),
    ...['staff_no', 'name', 'id_card'].map((field) =>
      control(
        'not_yet_due',
        field,
        'deadline',
        c(STAFF_GROUPS.notYetDue),
        `报到仅2天（${field} 与另两项同为空），尚未到期，不应计入`,
        `Reported 2 days ago with ${field} (and the other two of staff_no, name, id_card) empty: not yet due, must not count`,
      ),
    ),
    control(
      'out_of_scope',
      null,
      'deadline',
      c(STAFF_GROUPS.outOfScope),
      '离职人员（不在 scope 内）：各字段为空或无效、长期未更新，任何字段检查都不应计入',
      'Left the university (离职, outside the scope): empty or invalid fields and stale rows, no field check may count them',
    ),
    defect(
      'id_card',
      'validate',
      c(STAFF_GROUPS.badCheckDigit) + c(STAFF_GROUPS.badBirthDate),
      `${c(STAFF_GROUPS.badCheckDigit)} 行校验码错误；${c(STAFF_GROUPS.badBirthDate)} 行出生日期不存在（如0230、1301），校验码正确`,
      `${c(STAFF_GROUPS.badCheckDigit)} rows with a wrong check character; ${c(STAFF_GROUPS.badBirthDate)} rows with an impossible birth date (e.g. 0230, 1301) and a correct check character`,
    ),
    defect(
      'gender',
      'codes',
      c(STAFF_GROUPS.badGender),
      "性别代码为 '3'，不在 GB/T 2261.1 中",
      "Gender code '3', not in GB/T 2261.1",
    ),
    defect(
      'political_status',
      'codes',
      c(STAFF_GROUPS.badPoliticalStatus),
      "政治面貌为 'XX'，不在 GB/T 4762 中",
      "Political status 'XX', not in GB/T 4762",
    ),
    defect(
      'staff_no',
      'pattern',
      c(STAFF_GROUPS.badStaffNo),
      "职工号不是8位数字（如 'T10000010'、'0000110'）",
      "staff_no is not 8 digits (e.g. 'T10000010', '0000110')",
    ),
    defect(
      'staff_no',
      'unique',
      2 * c(STAFF_GROUPS.duplicateStaffNo),
      `${c(STAFF_GROUPS.duplicateStaffNo)} 个职工号各出现在2行（共 ${2 * c(STAFF_GROUPS.duplicateStaffNo)} 行）`,
      `${c(STAFF_GROUPS.duplicateStaffNo)} staff numbers each on 2 rows (${2 * c(STAFF_GROUPS.duplicateStaffNo)} rows)`,
      { values: c(STAFF_GROUPS.duplicateStaffNo) },
    ),
    defect(
      'unit_code',
      'references',
      c(STAFF_GROUPS.orphanUnit),
      "部门代码 '999' 在 org_unit 中不存在（已撤销单位）",
      "unit_code '999' is not in org_unit (a dissolved unit)",
    ),
    defect(
      'mobile',
      'validate',
      c(STAFF_GROUPS.badMobile),
      '手机号为10位、12位或以12开头',
      'Mobile with 10 or 12 digits, or starting with 12',
    ),
    defect(
      'email',
      'validate',
      c(STAFF_GROUPS.badEmail),
      "电子邮箱缺少@、缺少域名或含'@@'",
      "E-mail without '@', without domain, or with '@@'",
    ),
  ];

  // after_event deadlines: a row is due for every passed event; violations are empty values and rows
  // not updated since the event.
  const afterEvent: { field: string; e: string | null; empty: { residue: number; base: number } }[] = [
    { field: 'duty_status', e: ev.semesterStart, empty: STAFF_GROUPS.noDutyStatus },
    { field: 'title_rank', e: ev.rankDocumentsIssued, empty: STAFF_GROUPS.noTitleRank },
    { field: 'political_status', e: ev.rankDocumentsIssued, empty: STAFF_GROUPS.noPoliticalStatus },
    { field: 'research_area', e: ev.academicYearStart, empty: STAFF_GROUPS.noResearchArea },
  ];
  for (const { field, e, empty } of afterEvent) {
    if (!e) {
      findings.push(
        control(
          `no_event_${field}`,
          field,
          'deadline',
          c(empty),
          `${field} 为空，但截止事件尚未到期，不应计入`,
          `${field} empty, but no event deadline has passed yet: must not count`,
        ),
      );
      continue;
    }
    findings.push(
      defect(
        field,
        'deadline',
        c(empty),
        `${field} 为空（事件 ${e} 之后7天的期限已过）`,
        `${field} empty (the 7 days after the event on ${e} have passed)`,
      ),
    );
    if (staleDate && staleDate < e) {
      findings.push(
        defect(
          field,
          'deadline',
          c(STAFF_GROUPS.staleSinceSemester),
          `${staleDate} 之后未更新，早于事件 ${e}`,
          `Not updated since ${staleDate}, before the event on ${e}`,
        ),
      );
    }
  }
  findings.push(
    control(
      'first_run',
      null,
      'rule:staff_headcount_drop',
      0,
      '重置后首次检查没有上次结果可比，不应触发；调用 stageHeadcountDrop() 删除25%在册记录后再检查才会触发',
      'The first check after a reset has no previous run to compare with and must not fire; it fires after stageHeadcountDrop() deletes 25 % of the rows',
    ),
  );
  return findings;
}

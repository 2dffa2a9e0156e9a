import { describeProblem, fingerprintOf, maskSampleKeys } from '../../server/services/tickets';
import { checkResult, exampleCatalog } from '../factories/tickets';
import { translator } from '../../server/i18n';
import { withNotes } from '../../server/routes/tickets/presenter';

const catalog = exampleCatalog();

describe('the Chinese ticket message', () => {
  it('says who, which rows and which deadline for an event-relative deadline', () => {
    expect(describeProblem(checkResult({ check: 'deadline', field: 'staff_no', violations: 3 }), catalog)).toBe(
      '教职工基本信息·职工号：3 条在职记录在报到 7 天后仍未填写',
    );
  });

  it('names the calendar event and its date for a calendar-relative deadline', () => {
    const r = checkResult({
      check: 'deadline',
      field: 'duty_status',
      violations: 12,
      details: { event: 'semester_start', within: '7d', occurrence: '2026-09-07' },
    });
    expect(describeProblem(r, catalog)).toBe(
      '教职工基本信息·在岗状态：12 条在职记录在每学期开学（2026-09-07）7 天后仍未填写或未更新',
    );
  });

  it('names a catalog event without a common title by its yearly date, not its identifier', () => {
    const r = checkResult({
      table: 'student_status',
      field: 'grade',
      department: 'STU',
      check: 'deadline',
      violations: 9,
      details: { event: 'student_status_review', within: '30d', occurrence: '2026-10-01' },
    });
    expect(describeProblem(r, catalog)).toBe(
      '本专科生学籍基本信息·年级：9 条记录在每年10月1日（2026-10-01）30 天后仍未填写或未更新',
    );
  });

  it('explains a validity check by its validator', () => {
    expect(describeProblem(checkResult({ check: 'validate', field: 'id_card', violations: 2 }), catalog)).toBe(
      '教职工基本信息·身份证号：2 条在职记录的身份证号无效（格式或校验位错误）',
    );
    expect(
      describeProblem(
        checkResult({ table: 'student_status', field: 'id_card', department: 'STU', check: 'validate', violations: 1 }),
        catalog,
      ),
    ).toBe('本专科生学籍基本信息·身份证号：1 条记录的身份证号无效（格式或校验位错误）');
  });

  it('names a referenced table and column without catalog titles once, spaced as a Latin name', () => {
    // A catalog written without titles (a MySQL hub's first catalog): the subject is the names themselves.
    const untitled = {
      ...catalog,
      tables: catalog.tables.map((t) => ({ ...t, title: null, fields: t.fields.map((f) => ({ ...f, title: null })) })),
    };
    const result = checkResult({
      table: 'student_payment',
      field: 'student_no',
      department: 'FIN',
      check: 'references',
      violations: 5,
    });
    expect(describeProblem(result, untitled)).toBe(
      'student_payment·student_no：5 条记录的值在 student_status.student_no 中不存在',
    );
    expect(describeProblem(result, untitled, 'en')).toBe(
      'student_payment·student_no: 5 rows with a value missing from student_status.student_no',
    );
  });

  it('covers codes, references, freshness and custom rules', () => {
    expect(describeProblem(checkResult({ check: 'codes', field: 'gender', violations: 4 }), catalog)).toBe(
      '教职工基本信息·性别：4 条在职记录的值不在代码表 GB/T 2261.1 中',
    );
    expect(
      describeProblem(
        checkResult({ table: 'student_payment', field: 'student_no', department: 'FIN', check: 'references', violations: 5 }),
        catalog,
      ),
    ).toBe('学生缴费信息·学号：5 条记录的值在本专科生学籍基本信息·学号（student_status.student_no）中不存在');
    expect(
      describeProblem(
        checkResult({
          table: 'library_loan',
          field: null,
          department: 'LIB',
          check: 'freshness',
          violations: 1,
          details: { newestUpdate: '2026-11-20T00:00:00.000Z' },
        }),
        catalog,
      ),
    ).toBe('图书借阅：超过 24 小时未更新（最近更新于 2026-11-20 08:00）');
    expect(
      describeProblem(
        checkResult({ field: null, check: 'rule:staff_headcount_drop', message: '教职工人数较上次检查下降超过20%' }),
        catalog,
      ),
    ).toBe('教职工基本信息：教职工人数较上次检查下降超过20%');
  });
});

describe('the English ticket message (English pages)', () => {
  const en = (r: Parameters<typeof describeProblem>[0]) => describeProblem(r, catalog, 'en');

  it("says the same things in English; titles and scope values stay the catalog's words", () => {
    expect(en(checkResult({ check: 'deadline', field: 'staff_no', violations: 3 }))).toBe(
      '教职工基本信息·职工号: 3 rows (在职) still empty 7 days after reporting for duty',
    );
    expect(
      en(
        checkResult({
          check: 'deadline',
          field: 'duty_status',
          violations: 12,
          details: { event: 'semester_start', within: '7d', occurrence: '2026-09-07' },
        }),
      ),
    ).toBe(
      '教职工基本信息·在岗状态: 12 rows (在职) still empty or not updated 7 days after the start of each semester (2026-09-07)',
    );
    expect(en(checkResult({ check: 'validate', field: 'id_card', violations: 1 }))).toBe(
      '教职工基本信息·身份证号: 1 row (在职) with an invalid citizen ID number (format or check digit)',
    );
    expect(en(checkResult({ check: 'codes', field: 'gender', violations: 4 }))).toBe(
      '教职工基本信息·性别: 4 rows (在职) with a value not in code list GB/T 2261.1',
    );
    expect(
      en(checkResult({ table: 'student_payment', field: 'student_no', department: 'FIN', check: 'references', violations: 5 })),
    ).toBe('学生缴费信息·学号: 5 rows with a value missing from 本专科生学籍基本信息·学号 (student_status.student_no)');
    expect(
      en(
        checkResult({
          table: 'library_loan',
          field: null,
          department: 'LIB',
          check: 'freshness',
          violations: 1,
          details: { newestUpdate: '2026-11-20T00:00:00.000Z' },
        }),
      ),
    ).toBe('图书借阅: not updated for more than 24 hours (last updated 2026-11-20 08:00)');
  });

  it('has no Chinese words of its own for any check kind', () => {
    const kinds = ['required', 'pattern', 'unique', 'validate', 'codes', 'references', 'deadline', 'freshness'] as const;
    for (const check of kinds) {
      const text = en(checkResult({ check, field: check === 'freshness' ? null : 'staff_no', violations: 2 }));
      // Remove the catalog's own words (table and field titles, the scope value): nothing Chinese is left.
      const own = text.replace(/^[^:]+: /, '').replace(/\(在职\)/, '');
      expect({ check, own: /[\u3000-\u9fff\uff00-\uffef]/.test(own) }).toEqual({ check, own: false });
    }
  });
});

describe("figures in a ticket's sentences", () => {
  // The pages show 3,000 beside the sentence (the views' number helper, in either language): the sentence said 3000.
  it('writes a count of rows with thousands separated, in Chinese and English', () => {
    const r = checkResult({ check: 'codes', field: 'gender', violations: 3000 });
    expect(describeProblem(r, catalog)).toBe('教职工基本信息·性别：3,000 条在职记录的值不在代码表 GB/T 2261.1 中');
    expect(describeProblem(r, catalog, 'en')).toBe(
      '教职工基本信息·性别: 3,000 rows (在职) with a value not in code list GB/T 2261.1',
    );
    expect(
      describeProblem(
        checkResult({ check: 'unknown_kind' as 'required', field: 'staff_no', violations: 1234567 }),
        catalog,
        'en',
      ),
    ).toBe('教职工基本信息·职工号: 1,234,567 rows failed the check (unknown_kind)');
    expect(describeProblem(checkResult({ check: 'required', field: 'staff_no', violations: 1 }), catalog, 'en')).toBe(
      '教职工基本信息·职工号: 1 row (在职) empty (required)',
    );
  });

  it("writes a failed re-check's count in the ticket's history so too", () => {
    const event = {
      id: 1,
      at: new Date('2026-11-20T02:00:00Z'),
      actor_login: null,
      actor_name: null,
      kind: 'transition',
      from_status: 'fixed',
      to_status: 'open',
      comment: null,
      details: { reason: 'recheck_failed', violations: 3000, runId: '7' },
    };
    const note = (locale: 'zh-CN' | 'en') =>
      withNotes(translator(locale), [event], { departments: new Map(), runLinks: false })[0].note;
    expect(note('en')).toBe('Re-check failed: 3,000 rows still violate the check');
    expect(note('zh-CN')).toBe('复查未通过：仍有 3,000 条记录不符合要求');
  });

  // A resolved ticket reopened by a run (apply.ts) read 重新打开 已解决 → 待签收 alone: not which run, nor the due date
  // counted afresh from it.
  it("says which run reopened a resolved ticket, and its new due date; a reporter's reopen names no run", () => {
    const event = {
      id: 2,
      at: new Date('2026-12-07T05:44:00Z'),
      actor_login: null,
      actor_name: null,
      kind: 'reopened',
      from_status: 'resolved',
      to_status: 'open',
      comment: null,
      details: { runId: 4, violations: 1, due_at: '2026-12-14' } as Record<string, unknown>,
    };
    const shown = (locale: 'zh-CN' | 'en', e = event) =>
      withNotes(translator(locale), [e], { departments: new Map(), runLinks: true })[0];
    expect(shown('zh-CN')).toMatchObject({
      note: '检查再次未通过；整改期限 2026-12-14',
      run: { label: '检查运行 #4', href: '/runs/4' },
    });
    expect(shown('en')).toMatchObject({ note: 'The check failed again; due 2026-12-14', run: { href: '/runs/4' } });
    const byReporter = { ...event, details: { by: 'reporter', due_at: '2026-12-14' } };
    expect(shown('zh-CN', byReporter).note).toBeUndefined();
  });
});

describe('sample keys on tickets', () => {
  it('masks key values of sensitive fields and personal-data columns, and keeps 20 at most', () => {
    const keys = Array.from({ length: 25 }, (_, i) => ({
      id_card: '410102199001011234',
      staff_no: `2019${String(i).padStart(4, '0')}`,
    }));
    const masked = maskSampleKeys(catalog, 'staff_basic', keys);
    expect(masked).toHaveLength(20);
    expect(masked[0]).toEqual({ id_card: '410102********1234', staff_no: '20190000' });
    expect(maskSampleKeys(catalog, 'library_loan', [{ reader_phone: '13812345678', loan_id: 'L1' }])).toEqual([
      { reader_phone: '138****5678', loan_id: 'L1' },
    ]);
  });
});

describe('fingerprints', () => {
  it('tell table-level from field-level checks and ignore record-key order', () => {
    const base = { check: 'required', table: 't', department: 'HR' };
    expect(fingerprintOf({ ...base, field: null })).not.toBe(fingerprintOf({ ...base, field: 'x' }));
    expect(fingerprintOf({ ...base, field: 'f', recordKey: { a: '1', b: '2' } })).toBe(
      fingerprintOf({ ...base, field: 'f', recordKey: { b: '2', a: '1' } }),
    );
    expect(fingerprintOf({ ...base, field: 'a|b' })).not.toBe(fingerprintOf({ ...base, table: 't|a', field: 'b' }));
  });
});

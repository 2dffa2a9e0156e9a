import { addDays, latestPassedOccurrence } from './dates';
import { DemoCheck, DemoTableName, DemoText } from './types';

/** Rows per table at scale 1; every table but org_unit grows linearly with its scale. */
export const BASE_ROWS: Record<DemoTableName, number> = {
  org_unit: 60,
  staff_basic: 2_000,
  student_status: 5_000,
  student_payment: 8_000,
  course_grade: 20_000,
  freshman_admission: 3_000,
  library_loan: 10_000,
  research_output: 1_500,
};

/** What a table module knows about the hub being built. */
export interface DemoContext {
  today: string;
  seed: number;
  scales: Record<DemoTableName, number>;
  rows: Record<DemoTableName, number>;
  /** The catalog's `e` for each after_event deadline the demo tables use (null: nothing due yet). */
  events: {
    semesterStart: string | null;
    academicYearStart: string | null;
    rankDocumentsIssued: string | null;
    studentStatusReview: string | null;
    yearEnd: string | null;
  };
}

export function buildContext(today: string, seed: number, scales: Record<DemoTableName, number>): DemoContext {
  const rows = {} as Record<DemoTableName, number>;
  for (const name of Object.keys(BASE_ROWS) as DemoTableName[]) {
    rows[name] = name === 'org_unit' ? BASE_ROWS[name] : BASE_ROWS[name] * scales[name];
  }
  return {
    today,
    seed,
    scales,
    rows,
    events: {
      semesterStart: latestPassedOccurrence('semester_start', 7, today),
      academicYearStart: latestPassedOccurrence('academic_year_start', 7, today),
      rankDocumentsIssued: latestPassedOccurrence('rank_documents_issued', 7, today),
      studentStatusReview: latestPassedOccurrence('student_status_review', 30, today),
      yearEnd: latestPassedOccurrence('year_end', 15, today),
    },
  };
}

/**
 * The earliest update_time of a healthy row: the day after the latest event its after_event deadlines
 * wait for, so healthy rows never count as "not updated since the event"; without any, `fallbackDays`
 * before today.
 */
export function healthySince(ctx: DemoContext, events: (string | null)[], fallbackDays: number): string {
  const passed = events.filter((e): e is string => e !== null).sort();
  return passed.length ? addDays(passed[passed.length - 1], 1) : addDays(ctx.today, -fallbackDays);
}

/** One injected group of rows and what a check must make of it. */
export interface Finding {
  kind: 'defect' | 'control';
  table: DemoTableName;
  field: string | null;
  check: DemoCheck;
  rows: number;
  description: DemoText;
  /** Controls: a short stable name to tell them apart. */
  name?: string;
  newest?: string;
  values?: number;
}

export interface TablePlan {
  name: DemoTableName;
  rows: number;
  /** DROP/CREATE, INSERT … SELECT, defect UPDATEs, keys and indexes; one statement each. */
  statements: string[];
  findings: Finding[];
}

/** The time a fresh table's newest row carries: 00:30 today, so it is under 24 h old all day. */
export function freshNewest(today: string): string {
  return `${today} 00:30:00`;
}

/** The control every daily-updated table carries: its newest row is fresh, so freshness must pass. */
export function freshControl(table: DemoTableName, column: string, newest: string): Finding {
  return {
    kind: 'control',
    name: 'fresh',
    table,
    field: null,
    check: 'freshness',
    rows: 0,
    description: {
      'zh-CN': `最新 ${column} 为 ${newest}，未超过24小时`,
      en: `Newest ${column} is ${newest}, under 24 h old`,
    },
  };
}

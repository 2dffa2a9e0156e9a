import { BASE_ROWS, DemoContext, Finding, TablePlan, buildContext } from './context';
import { isIsoDate, todayInShanghai } from './dates';
import { courseGradePlan } from './tables/course-grade';
import { freshmanAdmissionPlan } from './tables/freshman-admission';
import { libraryLoanPlan } from './tables/library-loan';
import { orgUnitPlan } from './tables/org-unit';
import { researchOutputPlan } from './tables/research-output';
import { staffBasicPlan } from './tables/staff-basic';
import { studentPaymentPlan } from './tables/student-payment';
import { studentStatusPlan } from './tables/student-status';
import { DEMO_TABLES, DemoControl, DemoDefect, DemoHubOptions, DemoHubSummary, DemoTableName } from './types';

export interface DemoHubPlan {
  context: DemoContext;
  tables: TablePlan[];
  summary: DemoHubSummary;
}

function positiveInteger(value: unknown, key: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 100_000) {
    throw new Error(`${key}: ${String(value)} 不是 1 到 100000 之间的整数 / is not an integer from 1 to 100000`);
  }
  return value;
}

/** Everything a reset will do and what it will have injected, without touching a database. */
export function planDemoHub(opts: Omit<DemoHubOptions, 'onProgress'> = {}): DemoHubPlan {
  const today = opts.today ?? todayInShanghai();
  if (!isIsoDate(today)) throw new Error(`today: "${today}" 不是 YYYY-MM-DD 日期 / is not a YYYY-MM-DD date`);
  const seed = opts.seed ?? 1;
  if (!Number.isInteger(seed) || seed < 0 || seed > 2_147_483_647) {
    throw new Error(`seed: ${String(seed)} 不是 0 到 2147483647 之间的整数 / is not an integer from 0 to 2147483647`);
  }
  const scale = positiveInteger(opts.scale ?? 1, 'scale');
  const scales = {} as Record<DemoTableName, number>;
  for (const name of DEMO_TABLES) {
    const own = opts.tableScales?.[name];
    scales[name] = own === undefined ? scale : positiveInteger(own, `tableScales.${name}`);
  }
  for (const name of Object.keys(opts.tableScales ?? {})) {
    if (!(name in BASE_ROWS))
      throw new Error(`tableScales.${name}: 不是演示表 / is not a demo hub table (${DEMO_TABLES.join(', ')})`);
  }
  const context = buildContext(today, seed, scales);
  const tables = [
    orgUnitPlan(context),
    staffBasicPlan(context),
    studentStatusPlan(context),
    studentPaymentPlan(context),
    courseGradePlan(context),
    freshmanAdmissionPlan(context),
    libraryLoanPlan(context),
    researchOutputPlan(context),
  ];
  const findings = tables.flatMap((t) => t.findings);
  return {
    context,
    tables,
    summary: {
      today,
      seed,
      tables: tables.map((t) => ({ name: t.name, rows: t.rows })),
      defects: mergeDefects(findings.filter((f) => f.kind === 'defect')),
      controls: findings.filter((f) => f.kind === 'control').map(toControl),
    },
  };
}

/**
 * One entry per (table, field, check): the number a check run must report for it. Groups that land on
 * the same check (empty values and stale rows of one after_event deadline) are summed, and the
 * description lists each group with its own count.
 */
function mergeDefects(findings: Finding[]): DemoDefect[] {
  const groups = new Map<string, Finding[]>();
  for (const f of findings) {
    const id = f.field ? `${f.table}.${f.field}:${f.check}` : `${f.table}:${f.check}`;
    groups.set(id, [...(groups.get(id) ?? []), f]);
  }
  return [...groups].map(([id, parts]) => {
    const first = parts[0];
    const values = parts.some((p) => p.values !== undefined) ? parts.reduce((sum, p) => sum + (p.values ?? 0), 0) : undefined;
    const description =
      parts.length === 1
        ? { ...first.description }
        : {
            'zh-CN': parts.map((p) => `${p.rows} 行：${p.description['zh-CN']}`).join('；'),
            en: parts.map((p) => `${p.rows} rows: ${p.description.en}`).join('; '),
          };
    return {
      id,
      table: first.table,
      field: first.field,
      check: first.check,
      rows: parts.reduce((sum, p) => sum + p.rows, 0),
      description,
      ...(first.newest ? { newest: first.newest } : {}),
      ...(values !== undefined ? { values } : {}),
    };
  });
}

function toControl(f: Finding): DemoControl {
  const where = f.field ? `${f.table}.${f.field}` : f.table;
  return {
    id: `${where}:${f.check}:${f.name ?? 'control'}`,
    table: f.table,
    field: f.field,
    check: f.check,
    rows: f.rows,
    description: f.description,
  };
}

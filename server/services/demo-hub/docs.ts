import { planDemoHub } from './plan';
import { DemoControl, DemoDefect, DemoHubSummary } from './types';

/** The reference build the documentation describes: scale 1, seed 1, today 2026-11-22. */
export const DEMO_REFERENCE = { scale: 1, seed: 1, today: '2026-11-22' } as const;

const reference = planDemoHub(DEMO_REFERENCE).summary;

/** The injected defects of the reference build, each with the exact count a check must report. */
export const DEMO_DEFECTS: readonly DemoDefect[] = reference.defects;
/** The rows of the reference build that look wrong but a check must not count. */
export const DEMO_CONTROLS: readonly DemoControl[] = reference.controls;

const cell = (s: string): string => s.replace(/\|/g, '\\|');

/**
 * A README section listing tables, defects and controls. Without an argument it documents the reference
 * build; pass a reset's summary to document that build (another day or scale).
 */
export function demoDefectsMarkdown(summary: DemoHubSummary = reference): string {
  const lines = [
    `## 演示数据中台 / The demo hub`,
    '',
    `\`npx hubwatch demo reset [--scale N]\` 按示例目录（examples/university.catalog.yaml）重建演示中台。`,
    `以下为 today = ${summary.today}、seed = ${summary.seed} 时的内容；日期随 today 平移，计数随 scale 线性增长（org_unit 固定60行）。`,
    `It rebuilds the demo hub for the example catalog. Below: today = ${summary.today}, seed = ${summary.seed}; dates move with today,`,
    'counts grow linearly with the scale (org_unit stays at 60). Staff and grades grow by 2,000 and 20,000 rows per scale unit:',
    "scale 1000 gives 2 M staff and 20 M grades; `tableScales` sets one table's scale apart (e.g. staff 1000, grades 250 for 5 M).",
    '',
    '| 表 / table | 行数 / rows |',
    '|---|---:|',
    ...summary.tables.map((t) => `| ${t.name} | ${t.rows.toLocaleString('en-US')} |`),
    '',
    '### 注入的问题 / Injected defects',
    '',
    '| id | check | rows | 说明 | description |',
    '|---|---|---:|---|---|',
    ...summary.defects.map(
      (d) => `| \`${d.id}\` | ${d.check} | ${d.rows} | ${cell(d.description['zh-CN'])} | ${cell(d.description.en)} |`,
    ),
    '',
    '`rows` is the number of violating rows; 1 for freshness (a table-level check); for unique, every row sharing a duplicated value.',
    '',
    '### 不应报告的对照 / Controls that must not be flagged',
    '',
    '| id | check | rows | 说明 | description |',
    '|---|---|---:|---|---|',
    ...summary.controls.map(
      (c) => `| \`${c.id}\` | ${c.check} | ${c.rows} | ${cell(c.description['zh-CN'])} | ${cell(c.description.en)} |`,
    ),
    '',
  ];
  return lines.join('\n');
}

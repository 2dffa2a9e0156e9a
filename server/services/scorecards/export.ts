import type { Translator } from '../../i18n';
import { CSV_BOM, csvField } from '../csv';
import { COMPONENTS, formatScore, percentOf } from './components';
import type { PeriodResult } from './periods';

/** The assessment table's columns, in order: rank, department, score, every component, the counts. */
const COUNT_COLUMNS = [
  'days',
  'tickets_active',
  'tickets_overdue',
  'tickets_escalated',
  'median_resolve_hours',
  'reports_received',
] as const;
export const EXPORT_COLUMNS = ['rank', 'department', 'name', 'score', ...COMPONENTS, ...COUNT_COLUMNS] as const;

const isComponent = (column: string) => (COMPONENTS as readonly string[]).includes(column);

/** Components as percentages with one decimal (what the pages show: 99.9, never 100.0 below 1), counts as they are. */
function cell(result: PeriodResult, column: (typeof EXPORT_COLUMNS)[number]): string | number | null {
  const value = (result as unknown as Record<string, unknown>)[column];
  if (value === null || value === undefined) return null;
  if (isComponent(column)) return percentOf(Number(value));
  return value as string | number;
}

/**
 * CSV is text: the score written with its two decimals and the components with their one, as the pages and the
 * workbook's number formats show them (50.0, not 50; a spreadsheet still reads a number).
 */
function csvCell(result: PeriodResult, column: (typeof EXPORT_COLUMNS)[number]): string | number | null {
  const value = cell(result, column);
  if (value === null) return value;
  if (column === 'score') return formatScore(value);
  return isComponent(column) ? Number(value).toFixed(1) : value;
}

/** The components are percentages (50.0 is 50 %): their headers say so, as the charts' legends do. */
function headers(t: Translator): string[] {
  return EXPORT_COLUMNS.map((c) => (isComponent(c) ? `${t(`scorecards.columns.${c}`)} (%)` : t(`scorecards.columns.${c}`)));
}

/** The columns of text (the catalog's department code and name); the others are our own numbers. */
const TEXT_COLUMNS: readonly string[] = ['department', 'name'];

/** A CSV field; department codes and names are text as the catalog has them (guarded), headers and figures ours. */
const field = (v: unknown, column?: string) => csvField(v, column !== undefined && TEXT_COLUMNS.includes(column));

/** CSV with a BOM so that Excel opens the Chinese text as UTF-8. */
export function resultsCsv(results: PeriodResult[], t: Translator): string {
  const lines = [
    headers(t)
      .map((h) => field(h))
      .join(','),
  ];
  for (const r of results) lines.push(EXPORT_COLUMNS.map((c) => field(csvCell(r, c), c)).join(','));
  return `${CSV_BOM}${lines.join('\r\n')}\r\n`;
}

/** Columns a text takes in a spreadsheet: Chinese characters and full-width forms take two. */
function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text)
    width += /[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 2 : 1;
  return width;
}

export async function resultsWorkbook(
  results: PeriodResult[],
  t: Translator,
  period: {
    from: string;
    to: string;
    label?: string;
    /** A period not over yet (this month, this academic year): the last day its figures count. */
    asOf?: string | null;
    /** A department's own file (its row only): how many departments its rank is among. */
    rankedOf?: number | null;
    /**
     * No snapshot in the period (no department in it at all): one that starts after today, or none taken in it. The
     * dashboard says so; the file was a title and headers only, which read as a period no department took part in.
     */
    empty?: 'notStarted' | 'noSnapshots' | null;
  },
): Promise<Buffer> {
  // Loaded on the first export, not with the app: exceljs is the heaviest module the service uses (~0.35 s to
  // load, a third of the app's), and every process start (serve, each CLI command) would pay it for a rare download.
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Hubwatch';
  const sheet = workbook.addWorksheet(t('scorecards.export.sheet'));
  // A period still running says how far its figures go: "2026-09-07 至 2027-09-06" alone read as the whole year's result.
  sheet.addRow([
    t('scorecards.export.title', { from: period.from, to: period.to }) +
      (period.label ? ` · ${period.label}` : '') +
      (period.asOf ? t('scorecards.export.asOf', { day: period.asOf }) : '') +
      (period.empty ? t(`scorecards.export.${period.empty}`) : '') +
      // Its one row's 排名 2 says nothing of out of how many (its scorecard and the period's page say 2 / 8).
      (period.rankedOf ? t('scorecards.export.rankedOf', { count: period.rankedOf }) : ''),
  ]);
  const titles = headers(t);
  sheet.addRow(titles).font = { bold: true };
  for (const r of results) sheet.addRow(EXPORT_COLUMNS.map((c) => cell(r, c)));
  // Each column as wide as its header and its text (a fixed 12 cut 规范性（有效性） (%) and long department names),
  // at least 12; numbers stay numbers (sortable, summable), formatted as the pages show them: 77.00, 50.0.
  sheet.columns.forEach((col, i) => {
    const column = EXPORT_COLUMNS[i];
    const texts = [
      titles[i] ?? '',
      ...(column && TEXT_COLUMNS.includes(column) ? results.map((r) => String(cell(r, column) ?? '')) : []),
    ];
    col.width = Math.min(60, Math.max(12, ...texts.map((text) => displayWidth(text) + 2)));
    if (column === 'score') col.numFmt = '0.00';
    else if (column && isComponent(column)) col.numFmt = '0.0';
  });
  sheet.views = [{ state: 'frozen', ySplit: 2 }];
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

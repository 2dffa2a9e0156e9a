/**
 * A trend chart's figures as the table under it (a <details> the reader opens). The chart alone gave a department's
 * components only through its legend (a mouse click), lines a tenth of a point apart lay on each other, and a screen
 * reader heard the canvas's one label: the table gives every figure to every reader.
 */
export interface TrendSeries {
  label: string;
  values: (number | null)[];
  /** How a figure reads in this column (a score with two decimals, a percentage with one). */
  format: (value: number) => string;
}

export interface TrendTable {
  columns: string[];
  rows: { day: string; cells: string[] }[];
}

/** Newest day first, as people read a trend's recent days; a day with no figure in any column is left out. */
export function trendTable(days: string[], series: TrendSeries[]): TrendTable {
  const rows = days
    .map((day, i) => ({ day, values: series.map((s) => s.values[i] ?? null) }))
    .filter((row) => row.values.some((v) => v !== null))
    .reverse()
    .map((row) => ({
      day: row.day,
      cells: row.values.map((v, j) => (v === null ? '—' : series[j].format(v))),
    }));
  return { columns: series.map((s) => s.label), rows };
}

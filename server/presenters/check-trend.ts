import type { Translator } from '../i18n';
import { isTableVerdict } from './check-label';

/**
 * The trend chart of one check, as a table page and a ticket page draw it: where its points come from (every
 * part encoded: a custom rule's name is free text and may hold `&`, `#` or spaces) and what it plots — rows in
 * violation, or for a whole-table verdict (freshness, a custom rule) 1 for failed, 0 for passed.
 */
export function checkTrendChart(t: Translator, table: string, kind: string, field: string | null) {
  const params = new URLSearchParams({ table, check: kind, ...(field ? { field } : {}) });
  const tableVerdict = isTableVerdict(kind, field);
  return {
    trendUrl: `/checks/trend?${params.toString()}`,
    tableVerdict,
    trendLabel: t(tableVerdict ? 'checks.latest.trendVerdict' : 'checks.violations'),
  };
}

/** One point of a check's trend: when its run checked the table, and which run that was. */
export interface TrendPoint {
  at: Date;
  runId: number;
}

/**
 * The x-axis labels of a check's trend chart, one per point, in the service's time zone (browsers may sit
 * in another zone).
 *
 * A point is labelled by the minute ("05-12 09:30"): runs are scheduled, usually a day or hours apart, and
 * seconds on every label would only widen the labels of a small chart. Two runs in the same minute (a
 * "run now" or a re-check right after the scheduled run) would then share a label and read as one point,
 * so the points of a shared minute carry their seconds ("05-12 09:30:15", "05-12 09:30:47"), and only
 * they: the others stay short. Two runs in the same second (a small table checked twice in a row) add
 * their run number, as the runs chart labels runs ("05-12 09:30:15 #41"): every label is distinct.
 */
export function trendLabels(points: TrendPoint[], timeZone: string): string[] {
  const format = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  });
  const parts = points.map(({ at, runId }) => {
    const p = Object.fromEntries(format.formatToParts(at).map((x) => [x.type, x.value]));
    const minute = `${p.month}-${p.day} ${p.hour}:${p.minute}`;
    return { runId, minute, second: `${minute}:${p.second}` };
  });
  const count = (key: 'minute' | 'second') => {
    const n = new Map<string, number>();
    for (const p of parts) n.set(p[key], (n.get(p[key]) ?? 0) + 1);
    return n;
  };
  const perMinute = count('minute');
  const perSecond = count('second');
  return parts.map((p) => {
    if (perMinute.get(p.minute) === 1) return p.minute;
    if (perSecond.get(p.second) === 1) return p.second;
    return `${p.second} #${p.runId}`;
  });
}

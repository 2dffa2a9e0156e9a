import type { AppContext } from '../../context';
import { tableScores } from '../scorecards';

/**
 * The quality of each requested table, shown on the request page so approvers and applicants see what
 * they share: its active tickets (open, acknowledged or fixed, i.e. not yet resolved or closed) and its
 * quality score — the scorecards' formula over the table's own check results on the latest snapshot
 * day (`scorecards/tables.ts`), with that day. Null where nothing was measured yet.
 */
export interface TableQuality {
  activeTickets: number | null;
  score: number | null;
  /** The snapshot day the score is read from. */
  scoreDay: string | null;
}

export async function tableQualityFor(ctx: AppContext, tables: string[]): Promise<Record<string, TableQuality>> {
  const out: Record<string, TableQuality> = Object.fromEntries(
    tables.map((t) => [t, { activeTickets: 0, score: null, scoreDay: null }]),
  );
  if (tables.length === 0) return out;
  const [rows, scores] = await Promise.all([
    ctx
      .db('tickets')
      .whereIn('table_name', tables)
      .whereIn('status', ['open', 'acknowledged', 'fixed'])
      .groupBy('table_name')
      .select('table_name')
      .count({ n: '*' }) as Promise<{ table_name: string; n: number }[]>,
    tableScores(ctx.db, tables),
  ]);
  for (const r of rows) out[r.table_name].activeTickets = Number(r.n);
  for (const [table, s] of scores) if (out[table]) Object.assign(out[table], { score: s.score, scoreDay: s.day });
  return out;
}

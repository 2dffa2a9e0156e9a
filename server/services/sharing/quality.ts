import type { AppContext } from '../../context';

/**
 * PRESENTER HOOK — the quality of each requested table, shown on the request page so approvers and
 * applicants see what they share. Scores come from the scorecards feature later; until then `score`
 * is null. Active tickets are counted when the tickets table exists (statuses open / acknowledged /
 * fixed, i.e. not yet resolved or closed). Replace the body when the quality services land.
 */
export interface TableQuality {
  activeTickets: number | null;
  score: number | null;
}

export async function tableQualityFor(ctx: AppContext, tables: string[]): Promise<Record<string, TableQuality>> {
  const out: Record<string, TableQuality> = Object.fromEntries(tables.map((t) => [t, { activeTickets: null, score: null }]));
  if (tables.length === 0 || !(await ctx.db.schema.hasTable('tickets'))) return out;
  const rows: { table_name: string; n: number }[] = await ctx
    .db('tickets')
    .whereIn('table_name', tables)
    .whereIn('status', ['open', 'acknowledged', 'fixed'])
    .groupBy('table_name')
    .select('table_name')
    .count({ n: '*' });
  for (const t of tables) out[t].activeTickets = 0;
  for (const r of rows) out[r.table_name].activeTickets = Number(r.n);
  return out;
}

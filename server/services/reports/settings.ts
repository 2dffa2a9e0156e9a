import type { Knex } from 'knex';
import { appendAudit, type AuditActor } from '../audit';
import type { RequestOrigin } from '../tickets';

const TRIAGE_KEY = 'reports.triage';

/** The IT office's choice: route reports straight to the department (default), or triage them first. */
export interface ReportSettings {
  triage: boolean;
}

export async function loadReportSettings(db: Knex | Knex.Transaction): Promise<ReportSettings> {
  const row = await db('settings').where({ key: TRIAGE_KEY }).first('value');
  return { triage: row?.value === true };
}

export async function saveReportSettings(
  db: Knex,
  value: ReportSettings,
  actor: AuditActor | null,
  origin: RequestOrigin = {},
): Promise<ReportSettings> {
  await db.transaction(async (trx) => {
    const before = await loadReportSettings(trx);
    await trx('settings')
      .insert({
        key: TRIAGE_KEY,
        value: JSON.stringify(value.triage),
        updated_at: trx.fn.now(),
        updated_by: actor?.login ?? null,
      })
      .onConflict('key')
      .merge();
    await appendAudit(trx, {
      actor,
      action: 'reports.settings',
      objectType: 'settings',
      objectId: TRIAGE_KEY,
      summary: { before, after: value },
      ...origin,
    });
  });
  return value;
}

import type { Knex } from 'knex';
import { ConflictError } from '../../errors';
import { appendAudit, type AuditActor } from '../audit';
import { formVersion } from '../form-version';
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

/** The setting as the triage queue's form shows it, for the form to carry (`edited_from`, form-version.ts). */
export function reportSettingsVersion(settings: ReportSettings): string {
  return formVersion([settings.triage]);
}

/**
 * Stores the setting; whether it changed (the same sent again writes nothing, no audit row). `editedFrom`, the setting
 * the form was opened with (reportSettingsVersion): given and no longer the stored one — another officer or tab saved
 * meanwhile — nothing is saved (ConflictError `reports.triage.stale`), unless what was sent is what is stored now (a
 * double click). Without it nothing is compared. Checked and written under one lock.
 */
export async function saveReportSettings(
  db: Knex,
  value: ReportSettings,
  actor: AuditActor | null,
  origin: RequestOrigin = {},
  editedFrom?: string,
): Promise<{ value: ReportSettings; changed: boolean }> {
  const changed = await db.transaction(async (trx) => {
    // Two saves at once take turns here: the second reads what the first wrote (the row may not exist yet: no row lock).
    await trx.raw('select pg_advisory_xact_lock(hashtext(?))', [`settings:${TRIAGE_KEY}`]);
    const before = await loadReportSettings(trx);
    if (before.triage === value.triage) return false;
    if (editedFrom !== undefined && editedFrom !== reportSettingsVersion(before)) throw new ConflictError('reports.triage.stale');
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
    return true;
  });
  return { value, changed };
}

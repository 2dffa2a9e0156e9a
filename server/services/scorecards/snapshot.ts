import type { Knex } from 'knex';
import { computeDay } from './compute';
import { weightsFor } from './weights';

export interface SnapshotOutcome {
  day: string;
  /** 'closed' when the day belongs to a closed assessment period (nothing was written). */
  skipped: 'closed' | null;
  departments: number;
  weightsVersionId: number | null;
}

const CHUNK = 500;

async function insertChunked(trx: Knex.Transaction, table: string, rows: object[]): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) await trx(table).insert(rows.slice(i, i + CHUNK));
}

/** The closed period containing `day`, if any. */
export async function closedPeriodOn(
  db: Knex | Knex.Transaction,
  day: string,
): Promise<{ id: number; label: string } | undefined> {
  return db('assessment_periods').where('from', '<=', day).andWhere('to', '>=', day).orderBy('id').first('id', 'label');
}

/**
 * Writes the snapshot of `day` (every department, table and check), replacing an earlier one of
 * the same day — unless the day lies in a closed assessment period, whose results are frozen.
 * Two instances snapshotting one day take turns on an advisory lock, so the result is one set.
 */
export async function snapshotDay(
  db: Knex,
  opts: {
    day: string;
    timezone: string;
    /** Run in the same transaction once the day is written (not when skipped): the snapshot button's audit row. */
    written?: (trx: Knex.Transaction, outcome: SnapshotOutcome) => Promise<void>;
  },
): Promise<SnapshotOutcome> {
  return db.transaction(async (trx) => {
    await trx.raw(`select pg_advisory_xact_lock(hashtext(?))`, [`scorecards:${opts.day}`]);
    if (await closedPeriodOn(trx, opts.day)) return { day: opts.day, skipped: 'closed', departments: 0, weightsVersionId: null };
    const version = await weightsFor(trx, opts.day);
    const computed = await computeDay(trx, { day: opts.day, timezone: opts.timezone, weights: version.weights });
    await trx('scorecard_snapshots').where({ day: opts.day }).delete();
    await trx('scorecard_table_days').where({ day: opts.day }).delete();
    await trx('scorecard_check_days').where({ day: opts.day }).delete();
    const computedAt = new Date();
    await insertChunked(
      trx,
      'scorecard_snapshots',
      computed.departments.map((d) => ({ ...d, weights_version_id: version.id, computed_at: computedAt })),
    );
    await insertChunked(trx, 'scorecard_table_days', computed.tables);
    await insertChunked(trx, 'scorecard_check_days', computed.checks);
    const outcome: SnapshotOutcome = {
      day: opts.day,
      skipped: null,
      departments: computed.departments.length,
      weightsVersionId: version.id,
    };
    await opts.written?.(trx, outcome);
    return outcome;
  });
}

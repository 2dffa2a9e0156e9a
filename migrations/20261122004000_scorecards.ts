import type { Knex } from 'knex';

/**
 * Department scorecards (issue 7). The daily job writes one snapshot per department and day, with
 * every component, the counts behind each ratio and the weights version used, plus per-table and
 * per-check day rows: pages read these precomputed rows only, never the raw results.
 * Weights are versioned (a change is a new row). A closed assessment period stores its results
 * (`results`) and is never recomputed; its days are no longer re-snapshotted.
 */
/** The weights documented in server/services/scorecards/README.md (the first version). */
const DEFAULT_WEIGHTS = { freshness: 20, deadline: 20, validity: 20, completeness: 15, tickets: 15, reports: 10, sharing: 0 };

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('scorecard_weights', (t) => {
    t.bigIncrements('id');
    /** component → weight (whole numbers ≥ 0). */
    t.jsonb('weights').notNullable();
    /** First snapshot day the weights apply to. */
    t.date('valid_from').notNullable();
    t.text('note');
    t.bigInteger('created_by').references('users.id').onDelete('SET NULL');
    t.string('created_by_login', 64);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['valid_from', 'id'], 'scorecard_weights_valid_idx');
  });
  await knex('scorecard_weights').insert({ weights: JSON.stringify(DEFAULT_WEIGHTS), valid_from: '2000-01-01', note: 'default' });

  await knex.schema.createTable('scorecard_snapshots', (t) => {
    t.bigIncrements('id');
    t.string('department_code', 64).notNullable().references('departments.code').onUpdate('CASCADE').onDelete('CASCADE');
    t.date('day').notNullable();
    // Ratios in [0, 1]; null when nothing was measured (the weight then goes to the other components).
    t.double('freshness');
    t.integer('freshness_tables').notNullable().defaultTo(0);
    t.integer('freshness_passed').notNullable().defaultTo(0);
    t.double('deadline');
    t.bigInteger('deadline_violations').notNullable().defaultTo(0);
    t.bigInteger('deadline_checked').notNullable().defaultTo(0);
    t.double('validity');
    t.bigInteger('validity_violations').notNullable().defaultTo(0);
    t.bigInteger('validity_checked').notNullable().defaultTo(0);
    t.double('completeness');
    t.bigInteger('completeness_violations').notNullable().defaultTo(0);
    t.bigInteger('completeness_checked').notNullable().defaultTo(0);
    /** 1 − overdue/active (1 when nothing is active). */
    t.double('tickets');
    t.integer('tickets_active').notNullable().defaultTo(0);
    t.integer('tickets_overdue').notNullable().defaultTo(0);
    t.integer('tickets_escalated').notNullable().defaultTo(0);
    t.integer('tickets_resolved_30d').notNullable().defaultTo(0);
    t.double('median_resolve_hours');
    t.double('reports');
    t.integer('reports_received').notNullable().defaultTo(0);
    t.integer('reports_open').notNullable().defaultTo(0);
    t.integer('reports_due_30d').notNullable().defaultTo(0);
    t.integer('reports_in_time_30d').notNullable().defaultTo(0);
    t.double('sharing');
    t.integer('sharing_due_30d').notNullable().defaultTo(0);
    t.integer('sharing_in_time_30d').notNullable().defaultTo(0);
    /** 0–100, null when no component was measured. */
    t.double('score');
    t.bigInteger('weights_version_id').notNullable().references('scorecard_weights.id');
    t.timestamp('computed_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['department_code', 'day']);
    t.index(['day', 'department_code'], 'scorecard_snapshots_day_idx');
  });

  // One row per table and day: the heat map and the per-table breakdown.
  await knex.schema.createTable('scorecard_table_days', (t) => {
    t.string('table_name', 200).notNullable();
    t.date('day').notNullable();
    t.string('department_code', 64).notNullable();
    /** The day's latest freshness result; null when the table has no freshness check or no run. */
    t.boolean('fresh');
    t.double('hours_since_update');
    t.integer('checks').notNullable().defaultTo(0);
    t.integer('checks_failed').notNullable().defaultTo(0);
    t.bigInteger('violations').notNullable().defaultTo(0);
    t.bigInteger('checked').notNullable().defaultTo(0);
    t.primary(['table_name', 'day']);
    t.index(['department_code', 'day'], 'scorecard_table_days_department_idx');
    t.index(['day'], 'scorecard_table_days_day_idx');
  });

  // The day's latest result of every check, by the department the check routes to: the worst checks.
  await knex.schema.createTable('scorecard_check_days', (t) => {
    t.bigIncrements('id');
    t.string('department_code', 64).notNullable();
    t.date('day').notNullable();
    t.string('table_name', 200).notNullable();
    t.string('field_name', 200);
    t.string('check_kind', 120).notNullable();
    t.boolean('passed').notNullable();
    t.bigInteger('violations').notNullable();
    t.bigInteger('checked_rows').notNullable();
    t.index(['department_code', 'day'], 'scorecard_check_days_department_idx');
    t.index(['day'], 'scorecard_check_days_day_idx');
  });

  await knex.schema.createTable('assessment_periods', (t) => {
    t.bigIncrements('id');
    t.string('label', 200).notNullable();
    t.date('from').notNullable();
    t.date('to').notNullable();
    t.timestamp('closed_at', { useTz: true }).notNullable();
    t.bigInteger('closed_by').references('users.id').onDelete('SET NULL');
    t.string('closed_by_login', 64);
    /** The period's results as shown when it was closed (PeriodResult[]): never recomputed. */
    t.jsonb('results').notNullable();
    t.unique(['from', 'to']);
  });

  await knex.schema.createTable('scorecard_appeals', (t) => {
    t.bigIncrements('id');
    t.bigInteger('period_id').notNullable().references('assessment_periods.id').onDelete('CASCADE');
    t.string('department_code', 64).notNullable().references('departments.code').onUpdate('CASCADE');
    t.text('comment').notNullable();
    t.bigInteger('created_by').references('users.id').onDelete('SET NULL');
    t.string('created_by_name', 200);
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.text('answer');
    t.bigInteger('answered_by').references('users.id').onDelete('SET NULL');
    t.string('answered_by_name', 200);
    t.timestamp('answered_at', { useTz: true });
    t.unique(['period_id', 'department_code']);
  });

  // Live counts of active tickets per department (dashboard, snapshot job) read this small index only.
  await knex.raw(
    `CREATE INDEX scorecards_tickets_active_idx ON tickets (department_code, due_at) WHERE status IN ('open','acknowledged','fixed')`,
  );
  await knex.raw(`CREATE INDEX scorecards_tickets_resolved_idx ON tickets (resolved_at) WHERE resolved_at IS NOT NULL`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX IF EXISTS scorecards_tickets_resolved_idx');
  await knex.raw('DROP INDEX IF EXISTS scorecards_tickets_active_idx');
  await knex.schema.dropTable('scorecard_appeals');
  await knex.schema.dropTable('assessment_periods');
  await knex.schema.dropTable('scorecard_check_days');
  await knex.schema.dropTable('scorecard_table_days');
  await knex.schema.dropTable('scorecard_snapshots');
  await knex.schema.dropTable('scorecard_weights');
}

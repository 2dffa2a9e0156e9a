import type { Knex } from 'knex';

// Check runs and their results: the time series every trend, ticket and scorecard reads.
export async function up(knex: Knex): Promise<void> {
  // Every scheduled job's slots (node-cron's run coordinator): the primary key is what makes several
  // instances agree that one slot runs once.
  await knex.schema.createTable('job_slots', (t) => {
    t.string('slot_key', 200).primary(); // "<job name>:<scheduled time ISO>"
    t.string('job', 100).notNullable();
    t.string('instance_id', 100).notNullable();
    t.timestamp('claimed_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('completed_at', { useTz: true });
    t.index(['job', 'claimed_at']);
  });

  await knex.schema.createTable('check_runs', (t) => {
    t.bigIncrements('id');
    // One row per schedule slot: the unique key is how several instances agree that a slot ran once.
    t.string('slot_key', 200).unique();
    t.string('trigger', 20).notNullable(); // schedule | manual | recheck | cli | rerun
    t.specificType('scope', 'text[]'); // null: every active table
    t.string('status', 20).notNullable().defaultTo('running'); // running | completed | failed | interrupted
    t.timestamp('started_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('finished_at', { useTz: true });
    t.timestamp('heartbeat_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.string('instance_id', 100).notNullable();
    t.bigInteger('catalog_version_id');
    t.bigInteger('requested_by');
    t.bigInteger('rerun_of').references('check_runs.id');
    t.integer('tables_total').notNullable().defaultTo(0);
    t.integer('tables_done').notNullable().defaultTo(0);
    t.integer('tables_failed').notNullable().defaultTo(0);
    t.integer('checks_failed').notNullable().defaultTo(0);
    t.text('error');
    t.index(['status', 'heartbeat_at']);
    t.index(['started_at']);
  });

  await knex.schema.createTable('check_run_tables', (t) => {
    t.bigInteger('run_id').notNullable().references('check_runs.id').onDelete('CASCADE');
    t.string('table_name', 200).notNullable();
    t.string('status', 20).notNullable(); // ok | error
    t.string('error_code', 40);
    t.text('error_message');
    t.integer('duration_ms').notNullable();
    t.bigInteger('row_count');
    t.jsonb('facts');
    t.timestamp('finished_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['run_id', 'table_name']);
    t.index(['table_name', 'finished_at']);
  });

  await knex.schema.createTable('check_results', (t) => {
    t.bigIncrements('id');
    t.bigInteger('run_id').notNullable().references('check_runs.id').onDelete('CASCADE');
    t.timestamp('checked_at', { useTz: true }).notNullable();
    t.string('table_name', 200).notNullable();
    t.string('field_name', 200); // null for table-level checks
    t.string('check_kind', 120).notNullable();
    t.string('department_code', 64).notNullable();
    t.boolean('passed').notNullable();
    t.bigInteger('violations').notNullable();
    t.bigInteger('checked_rows').notNullable();
    t.string('severity', 10).notNullable();
    t.jsonb('sample_keys').notNullable().defaultTo('[]');
    t.text('message');
    t.jsonb('details');
    t.index(['table_name', 'check_kind', 'field_name', 'checked_at']);
    t.index(['department_code', 'checked_at']);
    t.index(['run_id']);
  });

  // A table is checked by one run at a time: a lease that expires if its holder dies.
  await knex.schema.createTable('check_table_leases', (t) => {
    t.string('table_name', 200).primary();
    t.bigInteger('run_id').notNullable();
    t.string('instance_id', 100).notNullable();
    t.timestamp('expires_at', { useTz: true }).notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('check_table_leases');
  await knex.schema.dropTable('check_results');
  await knex.schema.dropTable('check_run_tables');
  await knex.schema.dropTable('check_runs');
  await knex.schema.dropTable('job_slots');
}

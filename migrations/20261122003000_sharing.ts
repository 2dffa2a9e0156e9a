import type { Knex } from 'knex';

/**
 * Data-sharing requests (数据共享申请, seed 000), their approval stages, grants, returned-data
 * obligations (回传, seed 001), data-structure change requests (seed 003 Att. 1) and uploads.
 *
 * - Uploaded files are stored in the database (`uploads.content`, bytea): one backup covers them,
 *   and PGlite and PostgreSQL behave the same. They are small (≤ 5 MB, checked by the service).
 * - ID numbers of vendor developers are stored as typed (`sharing_people.id_card`); only the request's
 *   approvers are shown them unmasked (the presenter masks for everyone else).
 * - Each stage row has a `version`; a decision updates `WHERE version = seen AND status = 'pending'`
 *   under a row lock, so two concurrent decisions on one stage cannot both apply.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('uploads', (t) => {
    t.bigIncrements('id');
    t.string('purpose', 32).notNullable();
    t.string('filename', 255).notNullable();
    /** 'pdf' | 'png' | 'jpeg', from the file's magic bytes, not from its name. */
    t.string('file_type', 8).notNullable();
    t.integer('size').notNullable();
    t.string('sha256', 64).notNullable();
    t.binary('content').notNullable();
    t.bigInteger('uploaded_by').references('users.id').onDelete('SET NULL');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  await knex.schema.createTable('sharing_requests', (t) => {
    t.bigIncrements('id');
    t.bigInteger('applicant_id').notNullable().references('users.id');
    t.string('department_code', 64).notNullable().references('departments.code').onUpdate('CASCADE');
    t.string('status', 16).notNullable().defaultTo('draft');
    /** Every other item of the form (applicant contact, system, datasets…), as typed. */
    t.jsonb('form').notNullable().defaultTo('{}');
    t.text('purpose').notNullable().defaultTo('');
    /** Null while a draft has no choice yet. */
    t.string('method', 8);
    t.text('method_other');
    t.jsonb('whitelist').notNullable().defaultTo('[]');
    t.boolean('pledge_accepted').notNullable().defaultTo(false);
    t.timestamp('pledge_accepted_at', { useTz: true });
    t.bigInteger('material_upload_id').references('uploads.id').onDelete('SET NULL');
    t.bigInteger('pledge_upload_id').references('uploads.id').onDelete('SET NULL');
    /** Why the leader stage is (not) required: {sensitive, rows, hubError?}. */
    t.jsonb('leader_basis');
    t.timestamp('submitted_at', { useTz: true });
    t.timestamp('closed_at', { useTz: true });
    t.string('rejection_reason', 32);
    t.text('rejection_text');
    /** null | requested | overturned | upheld (seed 002 art. 22). */
    t.string('arbitration', 16);
    t.text('arbitration_note');
    t.timestamp('arbitration_requested_at', { useTz: true });
    t.integer('version').notNullable().defaultTo(1);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['applicant_id', 'id'], 'sharing_requests_applicant_idx');
    t.index(['status', 'id'], 'sharing_requests_status_idx');
  });
  await knex.raw(
    `ALTER TABLE sharing_requests ADD CONSTRAINT sharing_requests_status_known CHECK (status IN ('draft','submitted','in_review','granted','rejected','withdrawn'))`,
  );
  await knex.raw(
    `ALTER TABLE sharing_requests ADD CONSTRAINT sharing_requests_method_known CHECK (method IN ('api','file','other'))`,
  );

  await knex.schema.createTable('sharing_items', (t) => {
    t.bigIncrements('id');
    t.bigInteger('request_id').notNullable().references('sharing_requests.id').onDelete('CASCADE');
    t.integer('position').notNullable();
    t.string('table_name', 200).notNullable();
    t.specificType('fields', 'text[]').notNullable();
    t.text('range').notNullable().defaultTo('');
    t.text('note').notNullable().defaultTo('');
  });

  await knex.schema.createTable('sharing_people', (t) => {
    t.bigIncrements('id');
    t.bigInteger('request_id').notNullable().references('sharing_requests.id').onDelete('CASCADE');
    /** member: campus project member (校内); vendor: vendor developer (公司). */
    t.string('kind', 8).notNullable();
    t.integer('position').notNullable();
    // Text columns: a draft keeps whatever was typed, however long, until it is submitted and checked.
    t.text('name').notNullable();
    /** Unit (member) or company (vendor). */
    t.text('organisation').notNullable();
    t.text('staff_no');
    t.text('id_card');
    t.text('phone').notNullable();
  });

  await knex.schema.createTable('sharing_returned_items', (t) => {
    t.bigIncrements('id');
    t.bigInteger('request_id').notNullable().references('sharing_requests.id').onDelete('CASCADE');
    t.integer('position').notNullable();
    t.text('description').notNullable();
    t.timestamp('delivered_at', { useTz: true });
    t.bigInteger('delivered_by').references('users.id').onDelete('SET NULL');
  });

  await knex.schema.createTable('sharing_stages', (t) => {
    t.bigIncrements('id');
    t.bigInteger('request_id').notNullable().references('sharing_requests.id').onDelete('CASCADE');
    /** 1 applicant unit, 2 IT office first review, 3 data-source departments, 4 univ leader, 5 IT office final. */
    t.integer('stage').notNullable();
    t.string('kind', 16).notNullable();
    t.string('department_code', 64);
    /** For stage 3: the tables and fields this department reviews ([{table, fields}]). */
    t.jsonb('part').notNullable().defaultTo('[]');
    t.string('status', 16).notNullable();
    t.date('due_on');
    t.timestamp('activated_at', { useTz: true });
    t.timestamp('reminded_at', { useTz: true });
    t.timestamp('overdue_flagged_at', { useTz: true });
    t.bigInteger('decided_by').references('users.id').onDelete('SET NULL');
    t.string('decided_by_name', 200);
    t.timestamp('decided_at', { useTz: true });
    /** The IT office decided in place of an overdue department. */
    t.boolean('on_behalf').notNullable().defaultTo(false);
    t.string('reason', 32);
    t.text('opinion');
    t.integer('version').notNullable().defaultTo(1);
    t.index(['request_id', 'stage'], 'sharing_stages_request_idx');
    t.index(['status', 'kind', 'department_code'], 'sharing_stages_queue_idx');
  });
  await knex.raw(
    `ALTER TABLE sharing_stages ADD CONSTRAINT sharing_stages_status_known CHECK (status IN ('waiting','pending','approved','rejected','cancelled','overturned'))`,
  );

  await knex.schema.createTable('sharing_grants', (t) => {
    t.bigIncrements('id');
    t.bigInteger('request_id').notNullable().unique().references('sharing_requests.id').onDelete('CASCADE');
    /** [{table, fields, range}] as granted. */
    t.jsonb('items').notNullable();
    t.string('method', 8).notNullable();
    t.string('method_other', 200);
    t.jsonb('whitelist').notNullable().defaultTo('[]');
    t.date('expires_on').notNullable();
    t.timestamp('granted_at', { useTz: true }).notNullable();
    t.bigInteger('granted_by').references('users.id').onDelete('SET NULL');
    t.timestamp('revoked_at', { useTz: true });
    t.bigInteger('revoked_by').references('users.id').onDelete('SET NULL');
    t.text('revoke_reason');
    t.timestamp('expiry_reminded_at', { useTz: true });
  });

  await knex.schema.createTable('structure_changes', (t) => {
    t.bigIncrements('id');
    t.string('department_code', 64).notNullable().references('departments.code').onUpdate('CASCADE');
    t.string('system', 200).notNullable();
    t.specificType('tables', 'text[]').notNullable();
    t.text('description').notNullable();
    t.date('planned_on').notNullable();
    t.string('contact', 200).notNullable().defaultTo('');
    /** submitted → approved → completed, or rejected. */
    t.string('status', 16).notNullable().defaultTo('submitted');
    t.bigInteger('filed_by').references('users.id').onDelete('SET NULL');
    t.timestamp('filed_at', { useTz: true }).notNullable();
    t.bigInteger('reviewed_by').references('users.id').onDelete('SET NULL');
    t.timestamp('reviewed_at', { useTz: true });
    t.text('review_note');
    t.integer('version').notNullable().defaultTo(1);
  });

  // The catalog's tables are not altered: the "structure change pending" marker lives here, by table name.
  await knex.schema.createTable('structure_change_flags', (t) => {
    t.string('table_name', 200).primary();
    t.bigInteger('change_id').notNullable().references('structure_changes.id').onDelete('CASCADE');
    t.timestamp('flagged_at', { useTz: true }).notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of [
    'structure_change_flags',
    'structure_changes',
    'sharing_grants',
    'sharing_stages',
    'sharing_returned_items',
    'sharing_people',
    'sharing_items',
    'sharing_requests',
    'uploads',
  ]) {
    await knex.schema.dropTableIfExists(table);
  }
}

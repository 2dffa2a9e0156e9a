import type { Knex } from 'knex';

/**
 * The catalog in the service database. Every import is kept as a version (its YAML and the normalized
 * catalog); tables and fields are upserted by name and never deleted: a table or field removed from
 * the catalog becomes inactive, so check results and tickets that name it keep their meaning.
 * Departments live in `departments` (created with accounts, which reference them).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('catalog_versions', (t) => {
    t.bigIncrements('id');
    t.timestamp('imported_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.bigInteger('imported_by').references('users.id').onDelete('SET NULL');
    /** Where the import came from: cli, web, bootstrap. */
    t.string('origin', 32);
    t.text('source_yaml').notNullable();
    t.jsonb('catalog').notNullable();
    /** SHA-256 (hex) of source_yaml. */
    t.string('checksum', 64).notNullable();
  });

  await knex.schema.createTable('catalog_systems', (t) => {
    t.string('name', 200).primary();
    t.string('department_code', 64).notNullable().references('departments.code').onUpdate('CASCADE');
    t.boolean('active').notNullable().defaultTo(true);
  });

  await knex.schema.createTable('catalog_tables', (t) => {
    t.string('name', 200).primary();
    t.string('title', 200);
    t.string('domain', 200);
    t.string('department_code', 64).notNullable().references('departments.code').onUpdate('CASCADE');
    t.string('system', 200);
    t.string('sharing', 16).notNullable();
    t.specificType('key', 'text[]').notNullable();
    t.boolean('active').notNullable().defaultTo(true);
    /** The CatalogTable without its fields. */
    t.jsonb('definition').notNullable();
    /** The version that last changed this row (re-importing the same catalog leaves it alone). */
    t.bigInteger('version_id').notNullable().references('catalog_versions.id');
  });
  await knex.raw(
    `ALTER TABLE catalog_tables ADD CONSTRAINT catalog_tables_sharing_known CHECK (sharing IN ('universal','conditional','none'))`,
  );

  await knex.schema.createTable('catalog_fields', (t) => {
    t.string('table_name', 200).notNullable().references('catalog_tables.name').onUpdate('CASCADE');
    t.string('name', 200).notNullable();
    t.string('title', 200);
    /** Effective owner: the field's department, else the table's. */
    t.string('department_code', 64).notNullable().references('departments.code').onUpdate('CASCADE');
    t.boolean('sensitive').notNullable().defaultTo(false);
    t.string('severity', 8).notNullable().defaultTo('medium');
    t.jsonb('definition').notNullable();
    t.boolean('active').notNullable().defaultTo(true);
    t.primary(['table_name', 'name']);
    t.index(['department_code'], 'catalog_fields_department_idx');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('catalog_fields');
  await knex.schema.dropTable('catalog_tables');
  await knex.schema.dropTable('catalog_systems');
  await knex.schema.dropTable('catalog_versions');
}

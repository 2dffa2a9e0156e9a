import { addDays } from '../dates';
import { DemoContext, TablePlan } from '../context';
import { hashedSeries, spreadTimestamp, textArray } from '../sql';
import { OFFICE_COUNT, ORG_UNITS } from '../vocabulary';

/** 组织机构: 60 units whatever the scale (a university does not grow departments with its staff). */
export function orgUnitPlan(ctx: DemoContext): TablePlan {
  const updated = spreadTimestamp(`${addDays(ctx.today, -400)} 00:00:00`, `${addDays(ctx.today, -30)} 17:00:00`, 'h.h0');
  return {
    name: 'org_unit',
    rows: ORG_UNITS.length,
    statements: [
      'DROP TABLE IF EXISTS org_unit',
      `CREATE TABLE org_unit (
        id bigint NOT NULL,
        unit_code varchar(10),
        unit_name varchar(100),
        unit_type varchar(20),
        parent_code varchar(10),
        update_time timestamp without time zone
      )`,
      `INSERT INTO org_unit (id, unit_code, unit_name, unit_type, parent_code, update_time)
        SELECT u.ord, lpad(u.ord::text, 3, '0'), u.unit_name,
          CASE WHEN u.ord <= ${OFFICE_COUNT} THEN '职能部门' ELSE '学院' END, NULL, ${updated}
        FROM unnest(${textArray(ORG_UNITS)}) WITH ORDINALITY AS u(unit_name, ord)
        JOIN (${hashedSeries(ORG_UNITS.length, 1, ctx.seed, 1)}) AS h ON h.g = u.ord`,
      // Surrogate key: unit_code is checked for uniqueness by the catalog, so no unique constraint on it.
      'ALTER TABLE org_unit ADD PRIMARY KEY (id)',
      'CREATE INDEX org_unit_unit_code_idx ON org_unit (unit_code)',
    ],
    findings: [],
  };
}

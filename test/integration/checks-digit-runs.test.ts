import { localeFreePattern, postgresDialect } from '../../rules/facts/sql-postgres';
import { mysqlDialect } from '../../rules/facts/sql-mysql';
import { digitRunCondition, VALIDATOR_PATTERNS } from '../../rules/facts/validators';
import { createTestDatabase, TestDatabase } from '../helpers/database';

// Digit-run patterns are tested without PostgreSQL's regex engine (a byte length and an ltrim of
// the digits): the verdict must be the regular expression's on every value, whatever its script.

const PATTERNS = ['^[0-9]{8}$', VALIDATOR_PATTERNS.cn_mobile, '^[0-9]{10,12}$', '^[0-9]{0,2}$', '^9[0-0][0-9]{1}$'];
const VALUES = [
  '',
  '1',
  '12',
  '123',
  '20260001',
  '2026000',
  '202600011',
  '2026000X',
  'X2026000',
  '２０２６０００１',
  '٢٠٢٦٠٠٠١',
  '2026 0001',
  '+2026001',
  '-2026001',
  '2026.001',
  '13800138000',
  '12800138000',
  '19999999999',
  '10800138000',
  '1380013800',
  '138001380000',
  '1380013800a',
  '23800138000',
  '1３800138000',
  '0123456789',
  '012345678901',
  '0123456789012',
  '901',
  '911',
  '90',
  '9001',
  '张三李四',
  '1380013800０',
  'ab',
];

describe('digit-run patterns without the regex engine', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('hw_digit_runs');
  });
  afterAll(() => db.close());

  it.each(PATTERNS)('%s gives the regular expression’s verdict on every value', async (pattern) => {
    const shape = digitRunCondition(postgresDialect, 'v', pattern);
    expect(shape).not.toBeNull();
    const rows = (
      await db.knex.raw(`SELECT v, v ~ ? AS regex, ${shape!.sql} AS shape FROM unnest(CAST(? AS text[])) AS v`, [
        pattern,
        ...(shape!.bindings as never[]),
        VALUES,
      ])
    ).rows as Array<{ v: string; regex: boolean; shape: boolean }>;
    expect(rows).toHaveLength(VALUES.length);
    // Both verdicts occur, so agreement is not agreement on "always false".
    expect(new Set(rows.map((r) => r.regex))).toEqual(new Set([true, false]));
    expect(rows.filter((r) => r.regex !== r.shape)).toEqual([]);
  });

  it('other patterns, \\d (other scripts’ digits) and MySQL keep the regular expression', () => {
    for (const p of ['^\\d{8}$', '^[0-9]+$', '^[0-9]{8}', '[0-9]{8}$', '^[a-z]{3}$', '^[0-9]{3}$|^x$', '^[0-9]{5,2}$'])
      expect(digitRunCondition(postgresDialect, 'v', p)).toBeNull();
    expect(digitRunCondition(mysqlDialect, 'v', '^[0-9]{8}$')).toBeNull();
  });
});

describe('regular expressions matched under COLLATE "C" where the collation cannot matter', () => {
  let db: TestDatabase;
  let collation: string;
  beforeAll(async () => {
    db = await createTestDatabase('hw_regex_collation');
    // A locale-aware collation for the column, where the server has one (ICU classifies 'Ä' as a letter, "C" does not).
    const found = await db.knex.raw(
      `SELECT collname FROM pg_collation WHERE collname IN ('und-x-icu', 'en_US.utf8', 'C.utf8')
       ORDER BY array_position(ARRAY['und-x-icu', 'en_US.utf8', 'C.utf8'], CAST(collname AS text)) LIMIT 1`,
    );
    collation = found.rows[0]?.collname ?? 'default';
  });
  afterAll(() => db.close());

  const patterns = [
    VALIDATOR_PATTERNS.email,
    VALIDATOR_PATTERNS.date,
    '^[A-Z]{2}[0-9]+$',
    '^.{2,4}$',
    '^[^@]+@x\\.cn$',
    '^[[:alpha:]]+$',
    '^\\w+$',
    '(?i)^ab$',
    '^张.$',
  ];
  const values = [
    'a.b@x.cn',
    '张三@x.cn',
    'ÄB',
    'ab',
    'AB',
    'AB12',
    'ＡＢ12',
    '2026-03-01',
    '２０２６-03-01',
    '张三',
    'a_b',
    'Ab',
    '',
  ];

  it.each(patterns)('%s gives the same verdicts as under the column’s collation', async (pattern) => {
    const match = postgresDialect.regexMatch('v', pattern);
    const rows = (
      await db.knex.raw(
        `SELECT v, v ~ ? AS plain, ${match.sql} AS ours FROM (SELECT x COLLATE ${collation === 'default' ? 'pg_catalog."default"' : `"${collation}"`} AS v FROM unnest(CAST(? AS text[])) AS x) AS s`,
        [pattern, ...(match.bindings as never[]), values],
      )
    ).rows as Array<{ v: string; plain: boolean; ours: boolean }>;
    expect(rows).toHaveLength(values.length);
    expect(rows.filter((r) => r.plain !== r.ours)).toEqual([]);
  });

  it('only patterns without classes, class escapes, options or non-ASCII characters are matched under "C"', () => {
    expect(localeFreePattern(VALIDATOR_PATTERNS.email)).toBe(true);
    expect(localeFreePattern('^[A-Z]{2}[0-9]+$')).toBe(true);
    for (const p of ['^[[:alpha:]]+$', '^\\w+$', '^\\d{3}$', '\\mab', '^(?i)ab$', '^张.$', '[[=a=]]'])
      expect(localeFreePattern(p)).toBe(false);
    expect(postgresDialect.regexMatch('v', '^[[:alpha:]]+$').sql).not.toContain('COLLATE');
    expect(postgresDialect.regexMatch('v', VALIDATOR_PATTERNS.email).sql).toContain('COLLATE "C"');
  });
});

import { runTableChecks } from '../../rules/engine';
import { catalogField as field, catalogTable } from '../../rules/testing';
import type { CheckContext, TableCheckOutcome } from '../../rules/types';
import { createCalendar } from '../../server/services/calendar';
import { createTestDatabase, TestDatabase } from '../helpers/database';
import { isValidIdCard, withCheckDigit } from '../helpers/id-card';

// The PostgreSQL aggregate avoids trimming every value: a value is blank only when its first
// character is, and code lists, digit runs and formats are tested on the untrimmed text first (a
// value that passes has nothing to trim). These rows sit on the edges of those shortcuts — blanks
// of every kind at either end, characters just above and below the blanks in byte order, values
// that pass only after trimming and values whose length is right only before trimming — and the
// verdicts must be exactly those of "trim, then test", computed here in JavaScript.

const TZ = 'Asia/Shanghai';
const ctx: CheckContext = {
  now: new Date('2026-03-10T10:00:00+08:00'),
  timezone: TZ,
  calendar: createCalendar({ timezone: TZ, events: [], holidays: [], workdays: [] }),
  dialect: 'postgres',
};

const trim = (s: string) => s.replace(/^[ \t\r\n\u3000]+|[ \t\r\n\u3000]+$/g, '');
const blank = (s: string | null) => s === null || trim(s) === '';

const VALID_ID = withCheckDigit('11010519491231002');

/** Values around the shortcuts' edges; every column gets each of them in turn. */
const EDGES: Array<string | null> = [
  null,
  '',
  ' ',
  '\t',
  '\r\n',
  '\u3000',
  '\u3000 \u3000',
  '\u0001', // a control character: below '!' in byte order, but not a blank
  '!',
  '\u3001', // 、 just above the ideographic space
  '\u2000', // EN QUAD: a space to Unicode, not one of the blanks trimmed
  '\u3000x',
  'x\u3000',
];

interface Column {
  name: string;
  /** Values specific to the column's check, added to EDGES. */
  values: Array<string | null>;
  /** Whether a non-blank trimmed value passes the column's check. */
  passes: (trimmed: string) => boolean;
}

const COLUMNS: Column[] = [
  { name: 'name', values: ['张三', ' 张三', '\u3000'], passes: () => true },
  {
    name: 'gender',
    values: ['男', ' 男', '男\u3000', '\t女\r\n', '男 女', 'm'],
    passes: (t) => ['男', '女'].includes(t),
  },
  {
    name: 'code',
    values: ['12345678', ' 12345678', '12345678\u3000', '\t12345678\r\n', '1234567 ', ' 1234567', '123456789', '1234 678'],
    passes: (t) => /^[0-9]{8}$/.test(t),
  },
  {
    name: 'mobile',
    values: ['13800138000', ' 13800138000', '13800138000\u3000', '1380013800 ', '12800138000', '\u300013800138000'],
    passes: (t) => /^1[3-9][0-9]{9}$/.test(t),
  },
  {
    name: 'email',
    values: ['a.b@example.edu.cn', ' a@b.cn', 'a@b.cn\t', 'a @b.cn', '\u3000a@b.cn\u3000'],
    passes: (t) => /^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$/.test(t),
  },
  {
    name: 'id_card',
    values: [
      VALID_ID,
      ` ${VALID_ID}`, // 19 bytes: valid once trimmed
      `${VALID_ID}\u3000`, // 21 bytes: valid once trimmed
      `${VALID_ID.slice(0, 17)} `, // 18 bytes with a blank: invalid as it is and trimmed
      `\u3000${VALID_ID.slice(0, 15)}`, // 18 bytes, starting with the ideographic space
      `${VALID_ID.slice(1)}\t`,
    ],
    passes: isValidIdCard,
  },
];

const SCOPE_VALUES: Array<string | null> = ['在职', ' 在职', '在职\u3000', '\t在职\r\n', '在 职', '离职', null, '\u3000'];

describe('check engine: blanks at the edges of values (PostgreSQL shortcuts against trim-then-test)', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('hw_checks_blank_edges');
  });
  afterAll(() => db.close());

  it('counts exactly the rows that trim-then-test counts, for empty, codes, patterns, validators and scope', async () => {
    // One row per (column value × scope value), the other columns holding a value that passes.
    const passing: Record<string, string> = {
      name: '李四',
      gender: '女',
      code: '87654321',
      mobile: '13912345678',
      email: 'x@y.cn',
      id_card: VALID_ID,
    };
    type Row = Record<string, string | null> & { status: string | null };
    const rows: Row[] = [];
    for (const column of COLUMNS)
      for (const value of [...EDGES, ...column.values])
        for (const status of SCOPE_VALUES) rows.push({ ...passing, [column.name]: value, status });

    await db.knex.raw(
      'CREATE TABLE edges (id int PRIMARY KEY, status text, name text, gender varchar(10), code text, mobile text, email text, id_card varchar(40))',
    );
    await db.knex.batchInsert(
      'edges',
      rows.map((r, i) => ({ id: i + 1, ...r })),
      500,
    );

    const table = catalogTable('edges', {
      key: ['id'],
      scope: { status: ['在职'] },
      fields: [
        field('name', { required: true }),
        field('gender', { required: true, codes: { kind: 'inline', values: ['男', '女'] } }),
        field('code', { pattern: '^[0-9]{8}$' }),
        field('mobile', { validate: 'cn_mobile' }),
        field('email', { validate: 'email' }),
        field('id_card', { validate: 'cn_id_card' }),
      ],
    });
    const o: TableCheckOutcome = await runTableChecks(db.knex, table, { ...ctx, sampleLimit: 0 });
    expect(o.status).toBe('ok');

    const inScope = rows.filter((r) => r.status !== null && trim(r.status) === '在职');
    expect(inScope.length).toBe(rows.length / 2); // four of the eight scope values are 在职 once trimmed
    const got = (check: string, name: string) => o.results.find((r) => r.check === check && r.field === name);

    expect(got('required', 'name')).toMatchObject({
      violations: inScope.filter((r) => blank(r.name)).length,
      checkedRows: inScope.length,
    });
    expect(got('required', 'gender')).toMatchObject({ violations: inScope.filter((r) => blank(r.gender)).length });
    const invalid = (column: Column) => inScope.filter((r) => !blank(r[column.name]) && !column.passes(trim(r[column.name]!)));
    const checked = (column: Column) => inScope.filter((r) => !blank(r[column.name])).length;
    for (const [check, name] of [
      ['codes', 'gender'],
      ['pattern', 'code'],
      ['validate', 'mobile'],
      ['validate', 'email'],
      ['validate', 'id_card'],
    ]) {
      const column = COLUMNS.find((c) => c.name === name)!;
      expect({ check, name, ...got(check, name) }).toMatchObject({
        check,
        name,
        violations: invalid(column).length,
        checkedRows: checked(column),
      });
      // Not vacuous: each check has rows passing only once trimmed and rows failing.
      expect(inScope.some((r) => r[name] !== null && r[name] !== trim(r[name]!) && column.passes(trim(r[name]!)))).toBe(true);
      expect(invalid(column).length).toBeGreaterThan(0);
    }
  });

  it('sample keys of the same checks are exactly the violating rows (the sample statement tests as the aggregate counts)', async () => {
    await db.knex.raw('CREATE TABLE few (id int PRIMARY KEY, status text, code text)');
    const values = ['12345678', ' 12345678', '1234567 ', '\u300012345678', '\u3000', '\u0001', '123456789'];
    await db.knex('few').insert(values.map((code, i) => ({ id: i + 1, status: i % 2 ? ' 在职' : '在职\u3000', code })));
    const o = await runTableChecks(
      db.knex,
      catalogTable('few', {
        key: ['id'],
        scope: { status: ['在职'] },
        fields: [field('code', { required: true, pattern: '^[0-9]{8}$' })],
      }),
      ctx,
    );
    const pattern = o.results.find((r) => r.check === 'pattern')!;
    const expected = values
      .map((v, i) => ({ v, id: String(i + 1) }))
      .filter(({ v }) => !blank(v) && !/^[0-9]{8}$/.test(trim(v)))
      .map(({ id }) => ({ id }));
    expect(expected).toEqual([{ id: '3' }, { id: '6' }, { id: '7' }]);
    expect(pattern).toMatchObject({ violations: 3, checkedRows: 6 });
    expect([...pattern.sampleKeys].sort((a, b) => Number(a.id) - Number(b.id))).toEqual(expected);
    expect(o.results.find((r) => r.check === 'required')).toMatchObject({ violations: 1, sampleKeys: [{ id: '5' }] });
  });
});

import { unknownBodyKeys } from '../../server/http/body-keys';

/** The API's one rule for body keys (server/http/body-keys.ts): every key not read is named where it is. */
describe('unknownBodyKeys', () => {
  const keys = { purpose: true, applicant: { name: true, staff_no: true }, items: [{ table: true, fields: true }] } as const;
  const named = (body: unknown) => unknownBodyKeys(body, keys).map((p) => [p.field, p.params?.accepted]);

  it('names unknown keys at the top, in objects and in the rows of lists, with the keys accepted there', () => {
    expect(
      named({
        purpose: 'p',
        porpose: 'p',
        applicant: { name: 'a', staffNo: '1' },
        items: [{ table: 't' }, { table: 't', feilds: ['x'] }],
      }),
    ).toEqual([
      ['porpose', 'purpose, applicant, items'],
      ['applicant.staffNo', 'name, staff_no'],
      ['items.1.feilds', 'table, fields'],
    ]);
  });

  it('takes a value read whole as it is, and leaves a value of another type than the one expected to the route', () => {
    expect(named({ purpose: { any: 1 }, applicant: 'x', items: { 0: { zz: 1 } } })).toEqual([]);
    expect(named({ items: ['x', null, [{ zz: 1 }]] })).toEqual([]);
    expect(named(undefined)).toEqual([]);
  });

  it('knows only its own keys, not an object’s inherited ones', () => {
    expect(named({ toString: 'x', hasOwnProperty: 1 }).map(([field]) => field)).toEqual(['toString', 'hasOwnProperty']);
  });

  it('names the first 20 of a body full of unknown keys', () => {
    const body = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`k${i}`, { deep: i }]));
    const problems = unknownBodyKeys(body, keys);
    expect(problems).toHaveLength(20);
    expect(problems[19].field).toBe('k19');
  });

  it('a route reading no body key says it takes none', () => {
    expect(unknownBodyKeys({ reason: 'x' }, {})).toEqual([
      { field: 'reason', key: 'errors.noBodyKeys', params: { key: 'reason' } },
    ]);
  });
});

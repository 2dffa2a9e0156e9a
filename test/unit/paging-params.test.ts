import { pageParams } from '../../server/presenters/paging';

describe('page numbers from a query string', () => {
  it('takes positive whole numbers as they are', () => {
    expect(pageParams({ page: '3', per_page: '20' })).toEqual({ page: 3, perPage: 20 });
    expect(pageParams({ page: '３', per_page: ' 20 ' })).toEqual({ page: 3, perPage: 20 });
  });

  it('uses the defaults for anything that is not a positive whole number, however it is wrong', () => {
    for (const bad of [undefined, '', '0', '-5', 'abc', '-0', ' ', '0x10', '2abc', '2.5', '1e1', ['2'], ['2', '3']]) {
      expect(pageParams({ page: bad, per_page: bad }, 50)).toEqual({ page: 1, perPage: 50 });
    }
  });

  it('clamps to the limits: page 100 000, 200 a page', () => {
    expect(pageParams({ page: '99999999999999999999', per_page: '201' })).toEqual({ page: 100_000, perPage: 200 });
  });
});

import { addYears } from '../../server/services/calendar';

// The latest expiry of a sharing grant is the day of the grant three years on (GRANT_MAX_YEARS): the same day and month,
// 29 February in a year without one the day before.
it('is the same day years later; 29 February in a year without one is 28 February', () => {
  expect(addYears('2026-03-02', 3)).toBe('2029-03-02');
  expect(addYears('2028-02-29', 3)).toBe('2031-02-28');
  expect(addYears('2028-02-29', 4)).toBe('2032-02-29');
  expect(addYears('2026-12-31', 3)).toBe('2029-12-31');
  expect(() => addYears('2027-02-30', 3)).toThrow(RangeError);
});

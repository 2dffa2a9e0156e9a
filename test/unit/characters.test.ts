import { characterCount } from '../../server/services/characters';
import { checkReport } from '../../server/services/reports/validate';
import { exampleCatalog } from '../factories/tickets';
import { cleanComment } from '../../server/services/tickets/transitions';
import { ValidationError } from '../../server/errors';

/**
 * Text limits count characters as people (and PostgreSQL's varchar) count them: "最多 2000 个字符" refused 1,500
 * emoji, and a name with a rare character of CJK Extension B counted it twice.
 */
describe('text limits count characters, not UTF-16 units', () => {
  it('counts an emoji or an Extension B character as one', () => {
    expect(characterCount('𠀀𪚥王')).toBe(3);
    expect(characterCount('👍'.repeat(1500))).toBe(1500);
    expect(characterCount('')).toBe(0);
  });

  it('takes a 2,000-character comment of characters outside the BMP, and refuses 2,001', () => {
    expect(cleanComment('𪚥'.repeat(2000))).toHaveLength(4000);
    expect(() => cleanComment('𪚥'.repeat(2001))).toThrow(ValidationError);
  });
});

describe('an error report’s limits count characters', () => {
  const valid = {
    table: 'staff_basic',
    field: 'political_status',
    record_key: { staff_no: '20190001' },
    description: '政治面貌应为中共党员',
  };
  it('takes a 2,000-character description and a 500-character suggested value of characters outside the BMP', () => {
    const { problems } = checkReport(exampleCatalog(), {
      ...valid,
      description: '👍'.repeat(2000),
      suggested_value: '𪚥'.repeat(500),
    });
    expect(problems).toEqual([]);
    const over = checkReport(exampleCatalog(), { ...valid, description: '👍'.repeat(2001) });
    expect(over.problems.map((p) => [p.field, p.key])).toEqual([['description', 'reports.errors.tooLong']]);
  });
});

import { sameValue } from '../../server/services/reports/lookup';

describe("the look-up's comparison of the hub's value with what the reporter saw", () => {
  const politicalStatus = { validate: null, codes: { kind: 'builtin' as const, name: 'GB/T 4762' } };

  it("takes a national list's code and its label for the same entry, either way round", () => {
    // The hub keeps 13; the pages people read show 群众.
    expect(sameValue('13', '群众', politicalStatus)).toBe(true);
    expect(sameValue('群众', '13', politicalStatus)).toBe(true);
    expect(sameValue(' 13 ', '群众 ', politicalStatus)).toBe(true);
  });

  it('still tells another entry, or a value the list lacks, apart', () => {
    expect(sameValue('13', '中国共产党党员', politicalStatus)).toBe(false);
    expect(sameValue('01', '群众', politicalStatus)).toBe(false);
    expect(sameValue('99', '群众', politicalStatus)).toBe(false);
    // Without a code list a code is only itself.
    expect(sameValue('13', '群众', { validate: null, codes: null })).toBe(false);
  });
});

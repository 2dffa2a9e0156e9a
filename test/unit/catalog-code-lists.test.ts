import { BUILTIN_CODE_LISTS, builtinCodeLabel, builtinCodeValues } from '../../server/services/catalog/code-lists';

describe('built-in national code lists', () => {
  it('GB/T 2261.1 sex accepts codes and labels', () => {
    expect(BUILTIN_CODE_LISTS['GB/T 2261.1'].codes).toEqual([
      { code: '0', label: '未知的性别' },
      { code: '1', label: '男' },
      { code: '2', label: '女' },
      { code: '9', label: '未说明的性别' },
    ]);
    expect(builtinCodeValues('GB/T 2261.1')).toEqual(['0', '1', '2', '9', '未知的性别', '男', '女', '未说明的性别']);
  });

  it('GB/T 4762 political status has codes 01–13', () => {
    const list = BUILTIN_CODE_LISTS['GB/T 4762'].codes;
    expect(list.map((c) => c.code)).toEqual(['01', '02', '03', '04', '05', '06', '07', '08', '09', '10', '11', '12', '13']);
    expect(list[0]).toEqual({ code: '01', label: '中国共产党党员' });
    expect(list[12]).toEqual({ code: '13', label: '群众' });
  });

  it('GB/T 3304 ethnicity has the 56 groups plus 97 and 98', () => {
    const list = BUILTIN_CODE_LISTS['GB/T 3304'].codes;
    expect(list).toHaveLength(58);
    expect(list[0]).toEqual({ code: '01', label: '汉族' });
    expect(list[7]).toEqual({ code: '08', label: '壮族' });
    expect(list[55]).toEqual({ code: '56', label: '基诺族' });
    expect(list.slice(56)).toEqual([
      { code: '97', label: '其他' },
      { code: '98', label: '外国血统中国籍人士' },
    ]);
    expect(new Set(list.map((c) => c.label)).size).toBe(58);
  });

  it('unknown lists give undefined; labels are found by code or label', () => {
    expect(builtinCodeValues('GB/T 9999')).toBeUndefined();
    expect(builtinCodeValues('toString')).toBeUndefined();
    expect(builtinCodeLabel('GB/T 3304', '03')).toBe('回族');
    expect(builtinCodeLabel('GB/T 3304', '3')).toBeUndefined();
    expect(builtinCodeLabel('GB/T 2261.1', '女')).toBe('女');
  });
});

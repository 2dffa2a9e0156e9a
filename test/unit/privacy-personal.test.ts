import { maskPersonal, personalKind } from '../../server/services/privacy';

/** Which catalog fields hold personal data, and how their values are masked where they are not needed in full. */
describe('personalKind', () => {
  it.each([
    [{ name: 'id_card', sensitive: true, validate: 'cn_id_card' }, 'cn_id_card'],
    [{ name: 'mobile', sensitive: false, validate: 'cn_mobile' }, 'cn_mobile'],
    [{ name: 'email', sensitive: false, validate: 'email' }, 'email'],
    [{ name: 'sfzh', sensitive: false }, 'cn_id_card'],
    [{ name: 'office_phone', sensitive: false }, 'cn_mobile'],
    [{ name: 'name', title: '姓名', sensitive: false }, 'name'],
    [{ name: 'xm', sensitive: false }, 'name'],
    [{ name: 'student_name', sensitive: false }, 'name'],
    [{ name: 'leader', title: '负责人姓名', sensitive: false }, 'name'],
    [{ name: 'home_address', sensitive: true }, 'text'],
    [{ name: 'unit_name', title: '单位名称', sensitive: false }, null],
    [{ name: 'political_status', title: '政治面貌', sensitive: false }, null],
  ])('%j → %s', (field, kind) => {
    expect(personalKind(field)).toBe(kind);
  });
});

describe('maskPersonal', () => {
  it('masks by kind and leaves other values and absent ones alone', () => {
    expect(maskPersonal('110101199003077777', { name: 'id_card', sensitive: true, validate: 'cn_id_card' })).toBe(
      '110101********7777',
    );
    expect(maskPersonal('张三', { name: 'name', title: '姓名', sensitive: false })).toBe('张*');
    expect(maskPersonal('13812345678', { name: 'mobile', sensitive: false, validate: 'cn_mobile' })).toBe('138****5678');
    expect(maskPersonal('中共党员', { name: 'political_status', sensitive: false })).toBe('中共党员');
    expect(maskPersonal(null, { name: 'name', sensitive: false })).toBeNull();
  });
});

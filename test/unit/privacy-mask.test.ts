import {
  maskEmail,
  maskFieldValue,
  maskIdCard,
  maskName,
  maskPhone,
  maskText,
  maskValue,
  SECRET_MASK,
} from '../../server/services/privacy/mask';

describe('maskIdCard', () => {
  it('keeps the region code and the last 4 characters of an 18-character ID number', () => {
    expect(maskIdCard('410102199001011234')).toBe('410102********1234');
    expect(maskIdCard('11010519491231002X')).toBe('110105********002X');
  });

  it('keeps proportionally less of other lengths', () => {
    // 15 characters: floor(15/3) = 5 at the front, floor(30/9) = 3 at the end.
    expect(maskIdCard('410102900101123')).toBe('41010*******123');
    // 9 characters: 3 and 2.
    expect(maskIdCard('123456789')).toBe('123****89');
    expect(maskIdCard('1234')).toBe('****');
    expect(maskIdCard('')).toBe('');
  });

  it('ignores surrounding blanks', () => {
    expect(maskIdCard(' 410102199001011234 ')).toBe('410102********1234');
  });
});

describe('maskPhone', () => {
  it('keeps the first 3 and last 4 digits of a mobile number', () => {
    expect(maskPhone('13812345678')).toBe('138****5678');
  });

  it('keeps separators and a country code', () => {
    expect(maskPhone('138-1234-5678')).toBe('138-****-5678');
    expect(maskPhone('+86 13812345678')).toBe('+86 138****5678');
    expect(maskPhone('008613812345678')).toBe('0086138****5678');
  });

  it('masks a landline in the same proportions', () => {
    // 0371-67781234 has 12 digits: floor(36/11) = 3 kept at the front, floor(48/11) = 4 at the end.
    expect(maskPhone('0371-67781234')).toBe('037*-****1234');
    expect(maskPhone('1234')).toBe('****');
  });

  it('reads the same masked twice (a key stored masked is masked again on a page)', () => {
    for (const phone of ['13812345678', '+86 138-1234-5678', '0371-67781234', '12345']) {
      const once = maskPhone(phone);
      expect(maskPhone(once)).toBe(once);
    }
  });
});

describe('maskEmail, maskName, maskText', () => {
  it('keeps the first character of the mailbox and the domain', () => {
    expect(maskEmail('zhangsan@zzu.edu.cn')).toBe('z*******@zzu.edu.cn');
    expect(maskEmail('a@zzu.edu.cn')).toBe('*@zzu.edu.cn');
  });

  it('masks a value without @ as text', () => {
    expect(maskEmail('not-an-address')).toBe('n************s');
  });

  it('keeps the surname of a name', () => {
    expect(maskName('张三')).toBe('张*');
    expect(maskName('欧阳娜娜')).toBe('欧***');
  });

  it('masks short text entirely and keeps both ends of longer text', () => {
    expect(maskText('12345')).toBe('*****');
    expect(maskText('123456')).toBe('1****6');
  });
});

describe('maskValue', () => {
  it('dispatches on the kind', () => {
    expect(maskValue('410102199001011234', 'cn_id_card')).toBe('410102********1234');
    expect(maskValue(13812345678, 'cn_mobile')).toBe('138****5678');
    expect(maskValue('li@zzu.edu.cn', 'email')).toBe('l*@zzu.edu.cn');
    expect(maskValue('李雷', 'name')).toBe('李*');
    expect(maskValue('hunter2-long-password', 'secret')).toBe(SECRET_MASK);
    expect(maskValue('a', 'secret')).toBe(SECRET_MASK);
  });

  it('leaves absence alone', () => {
    expect(maskValue(null, 'cn_id_card')).toBeNull();
    expect(maskValue(undefined, 'secret')).toBeUndefined();
  });
});

describe('maskFieldValue', () => {
  it('masks only sensitive catalog fields, by their validator', () => {
    expect(maskFieldValue('410102199001011234', { sensitive: true, validate: 'cn_id_card' })).toBe('410102********1234');
    expect(maskFieldValue('13812345678', { sensitive: true, validate: 'cn_mobile' })).toBe('138****5678');
    expect(maskFieldValue('中共党员', { sensitive: true, validate: null })).toBe('****');
    expect(maskFieldValue('410102199001011234', { sensitive: false, validate: 'cn_id_card' })).toBe('410102199001011234');
  });
});

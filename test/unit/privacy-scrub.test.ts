import {
  maskFreeText,
  maskIdNumbersIn,
  maskPhone,
  scrubForLog,
  scrubText,
  SECRET_MASK,
} from '../../server/services/privacy/mask';
import { classifyKey } from '../../server/services/privacy/sensitive-keys';

describe('classifyKey', () => {
  it('recognises spellings of the same key', () => {
    expect(['idCard', 'id_card', 'ID-Card', 'sfzh', '身份证号', 'staff_id_number'].map(classifyKey)).toEqual(
      Array(6).fill('cn_id_card'),
    );
    expect(
      ['password', 'newPassword', 'password_hash', 'apiToken', 'client_secret', 'Authorization', 'pwd'].map(classifyKey),
    ).toEqual(Array(7).fill('secret'));
    expect(['mobile', 'officePhone', 'tel', '手机号', 'lxdh'].map(classifyKey)).toEqual(Array(5).fill('cn_mobile'));
    expect(['email', 'Email', '电子邮箱'].map(classifyKey)).toEqual(Array(3).fill('email'));
  });

  it('leaves ordinary keys alone', () => {
    expect(['id', 'name', 'department', 'status', 'pass', 'telemetry', 'yx'].map(classifyKey)).toEqual(Array(7).fill(null));
  });
});

describe('numbers typed in full width or grouped otherwise (as an input method or a habit writes them)', () => {
  it('masks full-width mobiles and ID numbers, shown half-width where masked, the rest of the text as typed', () => {
    expect(scrubText('本人手机１３８１２３４５６７８，身份证４１０１０２１９９００１０１１２３４，第１条')).toBe(
      '本人手机138****5678，身份证410102********1234，第１条',
    );
    expect(scrubText('身份证４１０１０２１９９００１０１１２３Ｘ')).toBe('身份证410102********123X');
    expect(maskIdNumbersIn('记录 ４１０１０２１９９００１０１１２３４ 有误')).toBe('记录 410102********1234 有误');
    expect(maskPhone('１３８１２３４５６７８')).toBe('138****5678');
  });

  it('masks ID numbers grouped 6-4-4-4 or with dots, mobiles with 86 or dots, landlines in brackets or with spaces', () => {
    expect(scrubText('410102 1990 0101 1234 / 410102.19900101.1234')).toBe('410102 **********1234 / 410102**********1234');
    expect(scrubText('410102 1990 0101 1234')).not.toContain('1990');
    expect(scrubText('410102.19900101.1234')).not.toContain('19900101');
    expect(scrubText('86 13812345678')).toBe('86 138****5678');
    // Mixed separators, as people type them.
    expect(maskFreeText('身份证 410102-19900101 1234')).toBe('身份证 410102**********1234');
    expect(maskFreeText('410102 19900101-123X')).toBe('410102**********123X');
    for (const phone of ['138.1234.5678', '(0371)67781234', '（0371）67781234', '0371 67781234', '0371-67781234'])
      expect(maskFreeText(`电话 ${phone}。`)).not.toMatch(/6778|1234\.5678|12345678/);
    expect(maskFreeText('电话 138.1234.5678')).toBe('电话 138.****.5678');
    // A landline with a space or hyphen inside, after a word saying it is a phone.
    for (const text of [
      '电话 0371 6778 1234',
      '座机：0371-6778 1234',
      '联系电话（0371）6778-1234',
      'Tel: 0371 6778 1234',
      '办公电话 6778 1234',
      '电话号码 6778 1234',
      'Tel.: 6778 1234',
      'Tel +86 371 6778 1234',
      '电话 6778 1234 或 6778 1235',
      '电话：6778 1234、6778 1235',
      // After a mobile already masked (a star is a hidden digit).
      '电话：13812345678，6778 1234',
    ])
      expect({ text, masked: maskFreeText(text) }).toEqual({ text, masked: expect.not.stringMatching(/6778/) });
    expect(maskFreeText('电话 0371 6778 1234')).toBe('电话 037* **** 1234');
    // Not a phone word inside another word: a hotel's room and year, a chip's model.
    for (const text of ['Hotel 1234 5678', 'Intel 2023-1234', 'Smartphone 6778 1234']) expect(maskFreeText(text)).toBe(text);
  });

  it('leaves times, codes, decimals, addresses and order numbers alone', () => {
    for (const text of [
      '2026-12-05 共 1234.56 元，学号 20190001，版本 1.2.3',
      '上课时间 0800-1000 1400-1600',
      '课程代码 0812-2024-0001',
      '课程 0801 1234 5678',
      '经度 113.65432100',
      'IP 10.100.2024.0101',
      '订单号 8613912345678',
    ])
      expect(maskFreeText(text)).toBe(text);
  });
});

describe('scrubText', () => {
  it('masks ID numbers, mobile numbers and e-mail addresses inside text', () => {
    expect(scrubText('学生 410102199001011234 的手机 13812345678，邮箱 wang@zzu.edu.cn')).toBe(
      '学生 410102********1234 的手机 138****5678，邮箱 w***@zzu.edu.cn',
    );
    expect(scrubText('id=11010519491231002x;tel=+8613812345678')).toBe('id=110105********002x;tel=+86138****5678');
  });

  it('masks ID and mobile numbers glued to a Latin label, as people type them', () => {
    expect(scrubText('ID410102199001011234, sfz11010519491231002X; Tel13812345678 mobile:+8613912345678')).toBe(
      'ID410102********1234, sfz110105********002X; Tel138****5678 mobile:+86139****5678',
    );
    expect(scrubText('身份证号410102199001011234手机13812345678')).toBe('身份证号410102********1234手机138****5678');
  });

  it('masks first-generation 15-digit ID numbers and 18-digit ones written in groups', () => {
    expect(scrubText('旧证410102900101123，新证 410102 19900101 1234，又写作 410102-19900101-123X')).toBe(
      '旧证41010*******123，新证 410102**********1234，又写作 410102**********123X',
    );
    // 15 digits whose 7th to 12th are no date (YYMMDD) are some other number.
    expect(scrubText('证书号 410102901301123')).toBe('证书号 410102901301123');
    const once = scrubText('410102900101123 410102 19900101 1234');
    expect(scrubText(once)).toBe(once);
  });

  it('leaves longer or shorter digit runs alone', () => {
    // A 13-digit millisecond timestamp contains no isolated mobile number; a 19-digit number is no ID number.
    expect(scrubText('at 1732233600000, order 4101021990010112345, code 1381234567')).toBe(
      'at 1732233600000, order 4101021990010112345, code 1381234567',
    );
  });

  it('does not change text that is already masked', () => {
    const once = scrubText('410102199001011234 13812345678 li@zzu.edu.cn');
    expect(scrubText(once)).toBe(once);
  });
});

describe('scrubForLog', () => {
  it('leaves identifiers whole: a request id or a digest is matched elsewhere, not read', () => {
    // This sha256 holds the run 13812345678 between letters: as text it would be a mobile number.
    const checksum = 'ab13812345678cd' + '0f'.repeat(25);
    const requestId = '550e8400-e29b-41d4-a716-a13812345678';
    expect(scrubForLog({ checksum, requestId, note: `hash ${checksum}` })).toEqual({
      checksum,
      requestId,
      note: `hash ab138****5678cd${'0f'.repeat(25)}`,
    });
  });

  it('masks nested sensitive keys and values and copies everything else', () => {
    const input = {
      action: 'sharing.decision',
      applicant: {
        name: '王五',
        staffNo: '20190012',
        mobile: '13912345678',
        vendors: [
          { company: '某科技公司', id_card: '410102199001011234', phone: 13800001111 },
          { company: '另一公司', note: '联系人身份证 11010519491231002X' },
        ],
      },
      credentials: { password: 'hunter2', token: null },
      when: new Date('2026-11-22T08:00:00.000Z'),
      count: 12,
      ok: true,
    };
    expect(scrubForLog(input)).toEqual({
      action: 'sharing.decision',
      applicant: {
        name: '王五',
        staffNo: '20190012',
        mobile: '139****5678',
        vendors: [
          { company: '某科技公司', id_card: '410102********1234', phone: '138****1111' },
          { company: '另一公司', note: '联系人身份证 110105********002X' },
        ],
      },
      credentials: SECRET_MASK,
      when: '2026-11-22T08:00:00.000Z',
      count: 12,
      ok: true,
    });
    // The input is not modified.
    expect(input.applicant.mobile).toBe('13912345678');
    expect(input.applicant.vendors[0].id_card).toBe('410102199001011234');
    expect(input.when).toBeInstanceOf(Date);
  });

  it('redacts secrets of any type but keeps their absence visible', () => {
    expect(scrubForLog({ password: 12345, apiToken: { a: 1 }, secret: null, sessionSecret: undefined })).toEqual({
      password: SECRET_MASK,
      apiToken: SECRET_MASK,
      secret: null,
    });
  });

  it('masks keys that are themselves phone numbers', () => {
    expect(scrubForLog({ '13812345678': 'x' })).toEqual({ '138****5678': 'x' });
  });

  it('survives cycles and copies repeated objects', () => {
    const shared = { mobile: '13812345678' };
    const loop: Record<string, unknown> = { a: shared, b: shared };
    loop.self = loop;
    expect(scrubForLog(loop)).toEqual({ a: { mobile: '138****5678' }, b: { mobile: '138****5678' }, self: '[Circular]' });
  });

  it('keeps the message of an error and masks it', () => {
    expect(scrubForLog({ err: new Error('duplicate id_card 410102199001011234') })).toEqual({
      err: { name: 'Error', message: 'duplicate id_card 410102********1234' },
    });
  });

  it('scrubs plain strings and arrays', () => {
    expect(scrubForLog('call 13812345678')).toBe('call 138****5678');
    expect(scrubForLog(['13812345678', 3, null])).toEqual(['138****5678', 3, null]);
  });
});

describe('scrubForLog: numbers scrubText does not take for mobiles', () => {
  it('masks phone-like numbers in a log or audit summary: a mistyped mobile, a landline', () => {
    expect(scrubForLog({ comment: '还是 12012347932，或打 0371-67781234' })).toEqual({
      comment: '还是 120****7932，或打 037*-****1234',
    });
  });

  it('leaves longer digit runs, dates and times alone', () => {
    const summary = { at: '2026-12-03T12:00:00.000Z', order: '1764748800000', due: '2026-10-13', staff_no: '20190001' };
    expect(scrubForLog(summary)).toEqual(summary);
  });
});

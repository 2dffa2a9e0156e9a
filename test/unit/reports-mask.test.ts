import { maskReportText } from '../../server/services/reports/privacy';

/** The one rule for free text of reports read outside the responsible department (reports/privacy.ts). */
const mobile = { name: 'mobile', title: '移动手机', validate: 'cn_mobile', sensitive: true };
const idCard = { name: 'id_card', title: '身份证号', validate: 'cn_id_card', sensitive: true };
const name = { name: 'name', title: '姓名', sensitive: false };
const party = { name: 'political_status', title: '政治面貌', sensitive: false };

describe('maskReportText', () => {
  it('masks phone numbers that are not valid mobiles, as mobiles are masked', () => {
    expect(maskReportText('还是 12012347932', mobile)).toBe('还是 120****7932');
    expect(maskReportText('已更正为 13912345678', mobile)).toBe('已更正为 139****5678');
    expect(maskReportText('请致电 0371-67781234', party)).toBe('请致电 037*-****1234');
    expect(maskReportText('号码 120 1234 7932 不对', party)).toBe('号码 120 **** 7932 不对');
  });

  it('masks ID-like numbers on an ID-number field, valid or not', () => {
    expect(maskReportText('应为 41010219900101123', idCard)).toBe('应为 41010*********123');
    expect(maskReportText('旧证号 410102900101123', idCard)).toBe('旧证号 41010*******123');
  });

  it('masks the report’s own values of a personal field wherever the text repeats them', () => {
    expect(maskReportText('姓名应为张叁，系统中为张三', name, ['张叁', null, '张三'])).toBe('姓名应为张*，系统中为张*');
    // Not personal data: as typed.
    expect(maskReportText('应为中共党员', party, ['中共党员'])).toBe('应为中共党员');
  });

  it('leaves staff numbers, dates, timestamps and other numbers alone', () => {
    const text = '职工号 20190001 于 2026-03-02 更正，工单 #12，时间戳 1732233600000，学号 2024000001';
    expect(maskReportText(text, mobile)).toBe(text);
    // 15 digits whose 7th-12th are no date are no first-generation ID number (one with a date is masked, below).
    expect(maskReportText('证书号 410102901301123', party)).toBe('证书号 410102901301123');
  });

  it('does not change text that is already masked', () => {
    const once = maskReportText('还是 12012347932，身份证 410102199001011234，0371-67781234', idCard, ['12012347932']);
    expect(maskReportText(once, idCard, ['12012347932'])).toBe(once);
  });
});

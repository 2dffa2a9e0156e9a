import { maskContactText } from '../../server/services/sharing/presenter';

// A contact line on a sharing request or a structure change, for readers who do not handle it.
describe('maskContactText', () => {
  it('masks an ID number as an ID number however it is grouped, the birth date and serial hidden', () => {
    expect(maskContactText('身份证 110105199001010011')).toBe('身份证 110105********0011');
    expect(maskContactText('身份证 1101 0519 9001 0100 11')).toBe('身份证 110105********0011');
    expect(maskContactText('身份证 110105 199001010011')).toBe('身份证 110105********0011');
    expect(maskContactText('身份证 1101 0519 4912 3100 2X')).toBe('身份证 110105********002X');
  });

  it('masks phones, landlines and e-mail addresses, and leaves short numbers', () => {
    expect(maskContactText('张三 13912345678 zhangsan@example.edu.cn')).toBe('张三 139****5678 z*******@example.edu.cn');
    expect(maskContactText('座机 0371-6778 1234 转 806')).toBe('座机 037*-**** 1234 转 806');
    expect(maskContactText('B 座 302 室 13912345678x')).toBe('B 座 302 室 139****5678x');
  });
});

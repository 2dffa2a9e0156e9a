import { isEmailAddress } from '../../server/services/email-address';

describe('isEmailAddress', () => {
  it('takes the addresses people have', () => {
    for (const address of [
      'zhang@example.edu.cn',
      'hr-steward@example.edu.cn',
      'li.lei+hubwatch@mail.zzu.edu.cn',
      'wang_fang@163.com',
      '13812345678@qq.com',
      "o'neil@example.org",
    ])
      expect([address, isEmailAddress(address)]).toEqual([address, true]);
  });

  it('refuses what is not one address: quotes, commas, brackets, spaces, no domain dot, two @', () => {
    for (const text of [
      'not-an-email',
      'a"b@example.edu.cn',
      '"a b"@example.edu.cn',
      'a,b@example.edu.cn',
      '<evil@example.com>',
      'a;b@example.edu.cn',
      'a b@example.edu.cn',
      'user@localhost',
      'a@b@example.edu.cn',
      'a@-example.edu.cn',
      'a@example..edu.cn',
      '张三@example.edu.cn',
      'a@example.edu.cn\n',
      '',
    ])
      expect([text, isEmailAddress(text)]).toEqual([text, false]);
  });
});

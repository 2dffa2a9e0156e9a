import { CHECK_ERROR_TEXTS, checkErrorText, parseCheckError, type CheckErrorKey } from '../../rules/messages';
import { hasKey, translator } from '../../server/i18n';
import { localizeCheckError } from '../../server/services/checks/error-text';

const zh = translator('zh-CN');
const en = translator('en');

describe('check error sentences', () => {
  it('has each stored sentence in both languages of the pages', () => {
    for (const key of Object.keys(CHECK_ERROR_TEXTS)) {
      expect([key, hasKey('zh-CN', `checks.errorText.${key}`), hasKey('en', `checks.errorText.${key}`)]).toEqual([
        key,
        true,
        true,
      ]);
    }
  });

  it('reads back every sentence it stores, with its parameters and the words after it', () => {
    const params = { table: 'student_status', column: 'nickname', where: 'fields.nickname', type: 'text', ms: 60000 };
    for (const key of Object.keys(CHECK_ERROR_TEXTS) as CheckErrorKey[]) {
      const text = checkErrorText(key, params, 'connect ECONNREFUSED 127.0.0.1:1');
      const parsed = parseCheckError(text);
      expect(parsed?.key).toBe(key);
      for (const [name, value] of Object.entries(parsed!.params)) expect(String(params[name as keyof typeof params])).toBe(value);
    }
  });

  it('says a stored sentence in one language, and leaves the hub’s own words alone', () => {
    const stored = checkErrorText('timeout', { ms: 60000 }, 'canceling statement due to statement timeout');
    expect(stored).toBe(
      '查询超过 60000 ms 被中止 / query exceeded the 60000 ms statement timeout: canceling statement due to statement timeout',
    );
    expect(localizeCheckError(zh, stored)).toBe('查询超过 60000 ms 被中止：canceling statement due to statement timeout');
    expect(localizeCheckError(en, stored)).toBe(
      'query exceeded the 60000 ms statement timeout: canceling statement due to statement timeout',
    );
    expect(localizeCheckError(en, checkErrorText('serviceDatabaseLost', {}, 'Connection terminated'))).toBe(
      'service database connection lost: Connection terminated',
    );
    expect(localizeCheckError(zh, '其他 / 说法 / three parts')).toBe('其他 / 说法 / three parts');
    expect(localizeCheckError(en, 'permission denied for table staff')).toBe('permission denied for table staff');
  });
});

import { allKeys } from '../../server/i18n';

// Every UI string exists in both languages: a key missing in English falls back to Chinese on the
// English pages, one missing in Chinese shows itself.
describe('locales', () => {
  it('English and Chinese have the same keys', () => {
    const zh = new Set(allKeys('zh-CN'));
    const en = new Set(allKeys('en'));
    expect([...zh].filter((k) => !en.has(k))).toEqual([]);
    expect([...en].filter((k) => !zh.has(k))).toEqual([]);
  });
});

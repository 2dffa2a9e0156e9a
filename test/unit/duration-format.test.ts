import { translator } from '../../server/i18n';
import { formatDuration } from '../../server/presenters/duration';

/** Run pages give durations as people read them: a 144,235 ms run read "144,235 ms". */
describe('durations as shown on run pages', () => {
  const zh = translator('zh-CN');
  const en = translator('en');

  it('keeps milliseconds under a second', () => {
    expect(formatDuration(zh, 0)).toBe('0 毫秒');
    expect(formatDuration(en, 820.4)).toBe('820 ms');
    expect(formatDuration(en, 999)).toBe('999 ms');
  });

  it('gives seconds with their tenths under a minute, never rounding up to "60.0 s"', () => {
    expect(formatDuration(en, 1000)).toBe('1.0 s');
    expect(formatDuration(zh, 12_345)).toBe('12.3 秒');
    expect(formatDuration(en, 59_990)).toBe('59.9 s');
  });

  it('gives minutes and seconds, then hours and minutes', () => {
    expect(formatDuration(zh, 144_235)).toBe('2 分 24 秒');
    expect(formatDuration(en, 144_235)).toBe('2 min 24 s');
    expect(formatDuration(en, 60_000)).toBe('1 min 0 s');
    expect(formatDuration(zh, 3_725_000)).toBe('1 小时 2 分');
  });

  it('shows a dash for no duration', () => {
    expect(formatDuration(en, null)).toBe('—');
    expect(formatDuration(en, undefined)).toBe('—');
    expect(formatDuration(en, -5)).toBe('—');
  });
});

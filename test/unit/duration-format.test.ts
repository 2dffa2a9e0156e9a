import { translator } from '../../server/i18n';
import { chartSeconds, elapsedText } from '../../server/presenters/duration';

/** Run pages give durations as people read them: a 144,235 ms run read "144,235 ms". */
describe('durations as shown on run pages', () => {
  const zh = translator('zh-CN');
  const en = translator('en');

  it('keeps milliseconds under a second', () => {
    expect(elapsedText(zh, 0)).toBe('0 毫秒');
    expect(elapsedText(en, 820.4)).toBe('820 ms');
    expect(elapsedText(en, 999)).toBe('999 ms');
  });

  it('gives seconds with their tenths under a minute, never rounding up to "60.0 s"', () => {
    expect(elapsedText(en, 1000)).toBe('1.0 s');
    expect(elapsedText(zh, 12_345)).toBe('12.3 秒');
    expect(elapsedText(en, 59_990)).toBe('59.9 s');
  });

  it('gives minutes and seconds, then hours and minutes', () => {
    expect(elapsedText(zh, 144_235)).toBe('2 分 24 秒');
    expect(elapsedText(en, 144_235)).toBe('2 min 24 s');
    expect(elapsedText(en, 60_000)).toBe('1 min 0 s');
    expect(elapsedText(zh, 3_725_000)).toBe('1 小时 2 分');
  });

  it('shows a dash for no duration', () => {
    expect(elapsedText(en, null)).toBe('—');
    expect(elapsedText(en, undefined)).toBe('—');
    expect(elapsedText(en, -5)).toBe('—');
  });

  // The runs chart plots seconds beside the table's durations: it reads as they do, under a second too.
  it('plots a duration on the runs chart as the table reads it: milliseconds under a second, tenths rounded down after', () => {
    expect(chartSeconds(788)).toBe(0.788); // 788 ms, plotted 0.7 when tenths were rounded down
    expect(chartSeconds(81)).toBe(0.081); // 81 ms, and 54 ms, plotted at 0
    expect(chartSeconds(54)).toBe(0.054);
    expect(chartSeconds(820.4)).toBe(0.82); // 820 ms
    expect(chartSeconds(1290)).toBe(1.2); // 1.2 s
    expect(chartSeconds(59_990)).toBe(59.9); // 59.9 s
    expect(chartSeconds(144_235)).toBe(144.2); // 2 min 24 s, on an axis of seconds
    for (const ms of [0, 1, 54, 81, 499.5, 788, 999]) expect(`${chartSeconds(ms)! * 1000} ms`).toBe(elapsedText(en, ms));
    expect(chartSeconds(null)).toBeNull();
    expect(chartSeconds(-5)).toBeNull();
  });
});

import { trendTable } from '../../server/presenters/trend-table';

const score = (v: number) => v.toFixed(2);
const percent = (v: number) => `${v.toFixed(1)}%`;

describe("a trend chart's figures as a table", () => {
  it('lists the newest day first, each column in its own format, — where a series has no figure', () => {
    expect(
      trendTable(
        ['2026-11-18', '2026-11-19', '2026-11-20'],
        [
          { label: '得分', values: [99.6, 99.9, 77], format: score },
          { label: '时效性', values: [null, 50, 100], format: percent },
        ],
      ),
    ).toEqual({
      columns: ['得分', '时效性'],
      rows: [
        { day: '2026-11-20', cells: ['77.00', '100.0%'] },
        { day: '2026-11-19', cells: ['99.90', '50.0%'] },
        { day: '2026-11-18', cells: ['99.60', '—'] },
      ],
    });
  });

  it('leaves out the days on which no series has a figure (days without a snapshot)', () => {
    const table = trendTable(
      ['2026-11-18', '2026-11-19', '2026-11-20'],
      [
        { label: '全校平均', values: [80, null, 81], format: score },
        { label: '人事处', values: [70, null], format: score },
      ],
    );
    expect(table.rows).toEqual([
      { day: '2026-11-20', cells: ['81.00', '—'] },
      { day: '2026-11-18', cells: ['80.00', '70.00'] },
    ]);
  });
});

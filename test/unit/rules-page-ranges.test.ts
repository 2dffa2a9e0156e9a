import { JIT_MIN_SHARE, pageRanges } from '../../rules/split-scan';

// A big table read in parts is cut into page ranges that connections take from one queue. Every page
// must be read exactly once whatever the cut, and the ranges shrink so that the connection that is
// ahead at the end takes a small last one instead of leaving the other core idle.

describe('split scan: page ranges', () => {
  it.each([
    [1, 2],
    [7, 2],
    [8192, 2],
    [58_200, 2],
    [58_200, 3],
    [100_003, 4],
  ])('%i pages on %i connections: contiguous from page 0, the last one open-ended', (pages, parts) => {
    const ranges = pageRanges(pages, parts);
    expect(ranges[0].from).toBe(0);
    ranges.forEach((r, i) => {
      if (i + 1 < ranges.length) expect(r.before).toBe(ranges[i + 1].from);
      else expect(r.before).toBeUndefined();
      expect(r.from).toBeLessThan(pages);
    });
  });

  it('ranges shrink from 1/(2·parts) of the table to no less than 1/(8·parts)', () => {
    const pages = 58_200; // staff_basic of the benchmark hub
    const sizes = pageRanges(pages, 2).map((r) => (r.before ?? pages) - r.from);
    expect(sizes[0]).toBe(pages / 4); // 14,550
    for (let i = 1; i < sizes.length; i++) expect(sizes[i]).toBeLessThanOrEqual(sizes[i - 1]);
    expect(Math.min(...sizes.slice(0, -1))).toBeGreaterThanOrEqual(Math.ceil(pages / 16));
    expect(sizes.length).toBeGreaterThan(4); // more than two per connection: the point of shrinking
    expect(sizes.length).toBeLessThanOrEqual(10);
  });

  it('ranges under a tenth of the table are marked to be read without JIT', () => {
    const pages = 58_200;
    for (const r of pageRanges(pages, 2)) {
      const size = (r.before ?? pages) - r.from;
      expect(r.small).toBe(size < pages * JIT_MIN_SHARE);
    }
    expect(pageRanges(pages, 2)[0].small).toBe(false);
    expect(pageRanges(pages, 2).at(-1)!.small).toBe(true);
  });
});

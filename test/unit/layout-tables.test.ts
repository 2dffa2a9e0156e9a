import { scrollableTables } from '../../server/views/engine';

/** The layout puts every table in a scroll box of its own (app.css .table-scroll). */
describe('scrollableTables', () => {
  it('wraps each table, nested ones included, and leaves the rest of the page as it is', () => {
    expect(scrollableTables('<h1>x</h1><table class="table"><tr><td>1</td></tr></table><p>y</p>')).toBe(
      '<h1>x</h1><div class="table-scroll"><table class="table"><tr><td>1</td></tr></table></div><p>y</p>',
    );
    expect(scrollableTables('<table><tr><td><table><tr><td>in</td></tr></table></td></tr></table>')).toBe(
      '<div class="table-scroll"><table><tr><td><div class="table-scroll"><table><tr><td>in</td></tr></table></div></td></tr></table></div>',
    );
  });

  it('keeps a scroll box a page gave its table itself, and wraps the next table', () => {
    const page = '<div class="sc-table-scroll">\n<table class="table sc-ranking"></table>\n</div><table class="t2"></table>';
    expect(scrollableTables(page)).toBe(
      '<div class="sc-table-scroll">\n<table class="table sc-ranking"></table>\n</div><div class="table-scroll"><table class="t2"></table></div>',
    );
  });

  it('does not touch escaped text or words that only begin like the tag', () => {
    const page = '<p>&lt;table&gt; and <tablet-name> stay</p>';
    expect(scrollableTables(page)).toBe(page);
  });
});

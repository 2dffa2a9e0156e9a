import { menuOptions } from '../../server/routes/tickets/presenter';

// The queue's filter menus are rendered once per cached value list; each call marks its own choice.
describe('ticket queue: filter menu options', () => {
  const values = ['org_unit', 'rule:a<b>&"c"', 'staff_basic'];

  it('escapes values as the template did and marks only the chosen one', () => {
    expect(menuOptions(values, 'staff_basic')).toBe(
      '<option value="org_unit">org_unit</option>' +
        '<option value="rule:a&lt;b&gt;&amp;&quot;c&quot;">rule:a&lt;b&gt;&amp;&quot;c&quot;</option>' +
        '<option value="staff_basic" selected>staff_basic</option>',
    );
  });

  it('does not carry a choice over to the next call on the same list', () => {
    expect(menuOptions(values, 'rule:a<b>&"c"')).toContain('<option value="rule:a&lt;b&gt;&amp;&quot;c&quot;" selected>');
    const none = menuOptions(values, '');
    expect(none).not.toContain('selected');
    // A choice the list lacks (an old link) is added, chosen and escaped, after the list; the next call is without it.
    expect(menuOptions(values, 'gone<t>')).toBe(`${none}<option value="gone&lt;t&gt;" selected>gone&lt;t&gt;</option>`);
    expect(menuOptions(values, '')).toBe(none);
  });

  it('labels the options per labelling, escaped, and renders a list once per labelling', () => {
    const upper = { key: 'upper', label: (v: string) => `${v.toUpperCase()} <x>` };
    expect(menuOptions(values, 'org_unit', upper)).toContain('<option value="org_unit" selected>ORG_UNIT &lt;x&gt;</option>');
    // Another labelling of the same list is another menu; the first is still as it was.
    expect(menuOptions(values, '', { key: 'lower', label: (v) => v })).toContain('>staff_basic</option>');
    expect(menuOptions(values, '', upper)).toContain('>STAFF_BASIC &lt;x&gt;</option>');
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PAGE_ORDER, ROW_COLUMNS, pagePlace, rowField } from '../../server/routes/sharing/form';

/**
 * A sent-back sharing form lists its messages in the order of the boxes on the page (pagePlace). That order is
 * written twice, in the template and in PAGE_ORDER / ROW_COLUMNS: a box added to one and not the other would be
 * summed up last, out of place. These tests read the template's inputs and hold the two in step.
 */
const template = readFileSync(join(__dirname, '../../views/pages/sharing/form.hbs'), 'utf8');

/** The template's input names in page order, as the paths the messages use (`applicant[name]` → applicant.name). */
const names = [...template.matchAll(/\bname="([^"]+)"/g)].map((m) => m[1]);
const NOT_MESSAGED = new Set(['form_id', 'edited_from', 'action']);
/** A row table's inputs: `members[{{index}}][name]` → ['members', 'name']; `items[…][other_fields]` types `fields`. */
const rowInput = (name: string) => /^(members|vendors|items)\[[^\]]*\]\[([^\]]+)\]/.exec(name);

describe("the sharing form's page order", () => {
  it('lists every box of the template once, in the order the template has them', () => {
    const boxes: string[] = [];
    for (const name of names) {
      if (NOT_MESSAGED.has(name)) continue;
      const row = rowInput(name);
      const box = row ? row[1] : name.replace(/\[\]$/, '').replace(/\[([^\]]+)\]/g, '.$1');
      if (boxes.at(-1) !== box) boxes.push(box);
    }
    expect(boxes).toEqual(PAGE_ORDER);
  });

  it("lists each row table's inputs left to right as the template has them", () => {
    for (const [section, columns] of Object.entries(ROW_COLUMNS)) {
      const inTemplate = names
        .map(rowInput)
        .filter((row) => row?.[1] === section)
        .map((row) => (row![2] === 'other_fields' ? 'fields' : row![2]))
        .filter((column, i, all) => all.indexOf(column) === i);
      expect({ section, columns: inTemplate }).toEqual({ section, columns });
    }
  });

  it('places a table before its rows, rows top to bottom, inputs left to right, and an unknown field last', () => {
    const sorted = ['pledge_scan', 'members.1.name', 'unknown', 'members', 'members.0.phone', 'applicant.name', 'members.0.name'];
    const before = (a: string, b: string) => {
      const [x, y] = [pagePlace(a), pagePlace(b)];
      return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
    };
    expect(sorted.sort(before)).toEqual([
      'applicant.name',
      'members',
      'members.0.name',
      'members.0.phone',
      'members.1.name',
      'pledge_scan',
      'unknown',
    ]);
  });

  it("reads a row's field as its table, row and input; a table's own message, or a path without an input, is no row's", () => {
    expect(rowField('members.1.phone')).toEqual({ table: 'members', row: 1, input: 'phone' });
    expect(rowField('items.0.fields.3')).toEqual({ table: 'items', row: 0, input: 'fields' });
    for (const path of ['members', 'members.0', 'members.0.', 'members.x.name', 'applicant.name', 'membersx.0.name'])
      expect([path, rowField(path)]).toEqual([path, undefined]);
  });
});

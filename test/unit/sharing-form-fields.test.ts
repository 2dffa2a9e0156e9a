import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { translator } from '../../server/i18n';
import { BOX_MAX, FORM_FIELDS, formBox, type FormBox, type RowBox } from '../../server/services/sharing/form-fields';
import { API_REQUEST_KEYS, apiTypeErrors, emptyInput } from '../../server/services/sharing/input';
import { validateRequest, type ValidationMode } from '../../server/services/sharing/validate';
import type { BodyKeys } from '../../server/http/body-keys';

/**
 * The request form's field table (FORM_FIELDS) against what it describes: the inputs of the template (each has an entry,
 * with the label the page shows and the limit the page sets), what validateRequest requires, and the API body's keys and
 * JSON types (input.ts, written out apart). A box added to the form, or an entry losing its limit or its label, fails here.
 */
const zh = translator('zh-CN');
const template = readFileSync(join(__dirname, '../../views/pages/sharing/form.hbs'), 'utf8');

/** Every box of the table by its path, a row's input by its table and column (`members.phone`). */
const BOXES: [string, FormBox | RowBox][] = FORM_FIELDS.flatMap((f) =>
  f.kind === 'rows' ? f.columns.map((c): [string, RowBox] => [`${f.name}.${c.name}`, c]) : [[f.name, f]],
);

/**
 * The template's inputs that send a value, each with its path (`members[{{index}}][phone]` → members.phone), its type,
 * its maxlength as written (the expression that gives it) and the label key the page shows for it: its own aria-label,
 * the text after a checkbox, else the label or legend it sits in.
 */
function templateInputs() {
  const labels = [...template.matchAll(/(?:<label>|<legend>|aria-label=")\{\{t "(sharing\.[A-Za-z.]+)"\}\}/g)];
  return [...template.matchAll(/<(input|textarea|select)\b([^>]*)>/g)]
    .map((m) => {
      const attrs = m[2];
      const name = /\bname="([^"]+)"/.exec(attrs)?.[1];
      const own = /aria-label="\{\{t "([^"]+)"\}\}"/.exec(attrs)?.[1];
      // A checkbox's label follows it (the pledge's); a radio button's value name (sharing.yesNo.yes) is not its label.
      const after = /^ \{\{t "(sharing\.form\.[A-Za-z]+)"\}\}/.exec(template.slice(m.index! + m[0].length))?.[1];
      const around = labels.filter((l) => l.index! < m.index!).at(-1)?.[1];
      return {
        name,
        path: name
          ?.replace(/\[\{\{[^}]*\}\}\]/g, '')
          .replace(/\[\]$/, '')
          .replace(/\[([^\]]+)\]/g, '.$1'),
        tag: m[1],
        type: /\btype="([^"]+)"/.exec(attrs)?.[1] ?? (m[1] === 'input' ? 'text' : m[1]),
        maxlength: /\bmaxlength="(\{\{[^}]*\}\}|[^"]*)"/.exec(attrs)?.[1],
        label: own ?? after ?? around,
      };
    })
    .filter((i) => i.name && !['form_id', 'edited_from', 'action'].includes(i.name));
}

/** The box of fields not listed by the catalog types into the item's fields (its own label, its names measured one by one). */
const OTHER_FIELDS = 'items.other_fields';

describe("the sharing form's field table", () => {
  it('has an entry for every input of the template, with the label the page shows for it', () => {
    const inputs = templateInputs().filter((i) => i.path !== OTHER_FIELDS);
    expect(inputs.length).toBeGreaterThan(20);
    for (const input of inputs) {
      const box = BOXES.find(([path]) => path === input.path)?.[1];
      expect({ input: input.path, label: box?.label }).toEqual({ input: input.path, label: input.label });
    }
    // And no entry without its input.
    const paths = new Set(templateInputs().map((i) => i.path));
    expect(BOXES.map(([path]) => path).filter((p) => !paths.has(p))).toEqual([]);
  });

  it('gives every box with text a limit, the maxlength the page sets on a box typed into', () => {
    for (const input of templateInputs()) {
      if (input.type === 'file' || input.path === 'pledge_accepted' || input.path === OTHER_FIELDS) continue;
      const box = BOXES.find(([path]) => path === input.path)![1];
      expect({ input: input.path, max: box.max }).toEqual({ input: input.path, max: expect.any(Number) });
      const typed = input.type === 'text' || input.type === 'email' || input.tag === 'textarea';
      if (!typed) continue;
      // An ID number stops at its 18 characters on the page (ID_CARD_LENGTH); a longer one sent otherwise is measured by
      // the wider limit. Every other box takes its own entry's limit, looked up by its own path (the page's number is
      // rendered from the table, never typed: the integration test sharing-limits reads the numbers on the page).
      const expected =
        input.path === 'vendors.id_card' ? '{{limit "sharing.idCard"}}' : `{{limit "sharing.box" "${input.path}"}}`;
      expect({ input: input.path, maxlength: input.maxlength }).toEqual({ input: input.path, maxlength: expected });
      if (input.path !== 'vendors.id_card')
        expect({ input: input.path, max: BOX_MAX[input.path!] }).toEqual({ input: input.path, max: box.max });
    }
    // Files and the pledge hold no text.
    expect(BOXES.filter(([, box]) => box.max === undefined).map(([path]) => path)).toEqual([
      'material',
      'pledge_accepted',
      'pledge_scan',
    ]);
  });

  it('requires what the page stars (*): each box, and a table as a whole', () => {
    const starred = (label: string) => template.includes(`{{t "${label}"}} *`);
    const required = (f: { required?: string }) => f.required === 'web' || f.required === 'always';
    // Required but not starred: the pledge's checkbox (its section is the pledge), a row's table and fields (the field
    // document, which takes at least one of them, is starred as a whole).
    const UNSTARRED = ['pledge_accepted', 'items.table', 'items.fields'];
    const boxes = BOXES.map(([path, box]) => ({ path, starred: starred(box.label), required: required(box) }));
    const tables = FORM_FIELDS.flatMap((f) =>
      f.kind === 'rows' ? [{ path: f.name, starred: starred(f.section), required: required(f) }] : [],
    );
    for (const box of [...boxes, ...tables])
      expect(box).toEqual({ ...box, starred: box.required && !UNSTARRED.includes(box.path) });
  });

  it('requires what validateRequest requires: nothing given names every box required in that mode, and no other', () => {
    const fieldsOf = (mode: ValidationMode, input = emptyInput()) =>
      validateRequest(input, null, zh, mode)
        .map((e) => e.field)
        .sort();
    const requiredIn = (mode: ValidationMode) =>
      FORM_FIELDS.filter((f) => f.required === 'always' || (mode === 'web' && f.required === 'web'))
        .map((f) => f.name)
        .sort();
    expect(fieldsOf('web')).toEqual(requiredIn('web'));
    expect(fieldsOf('api')).toEqual(requiredIn('api'));
    // A row given, blank (as the API may send it): each of its required inputs; an answer asking for another box: it.
    const rows = emptyInput();
    rows.members = [{ name: '', unit: '', staffNo: '', phone: '' }];
    rows.vendors = [{ name: '', company: '', idCard: '', phone: '' }];
    rows.items = [{ table: '', fields: [], range: '', note: '' }];
    Object.assign(rows, { method: 'other', datasets: ['other'], purpose: '用途', pledgeAccepted: true });
    const inRows = FORM_FIELDS.flatMap((f) =>
      f.kind === 'rows'
        ? f.columns.filter((c) => c.required === 'always').map((c) => `${f.name}.0.${c.name}`)
        : f.required === 'when'
          ? [f.name]
          : [],
    ).sort();
    expect(fieldsOf('api', rows)).toEqual(inRows);
  });

  it('names every box the API body takes (API_REQUEST_KEYS) and the wrong JSON type of each (apiTypeErrors)', () => {
    const apiKeys = (keys: BodyKeys, at = ''): string[] =>
      Object.entries(keys).flatMap(([key, shape]) =>
        shape === true ? [`${at}${key}`] : apiKeys(Array.isArray(shape) ? shape[0] : (shape as BodyKeys), `${at}${key}.`),
      );
    const sent = BOXES.filter(([, box]) => box.kind !== 'file').map(([path]) => path);
    expect(
      apiKeys(API_REQUEST_KEYS)
        .filter((k) => k !== 'draft')
        .sort(),
    ).toEqual([...sent].sort());
    for (const path of sent) {
      const [first, second] = path.split('.');
      const table = FORM_FIELDS.find((f) => f.name === first && f.kind === 'rows');
      // A number where a text, a list of texts, a yes or no or the pledge is taken, in a row of a table.
      const body = table ? { [first]: [{ [second]: 7 }] } : second ? { [first]: { [second]: 7 } } : { [first]: 7 };
      const named = table ? `${first}.0.${second}` : path;
      expect({ path, errors: apiTypeErrors(body).map((e) => e.field) }).toEqual({ path, errors: [named] });
      expect(formBox(named)).toBeDefined();
    }
  });
});

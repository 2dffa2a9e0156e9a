import { checkAttachment, checkReport } from '../../server/services/reports/validate';
import { exampleCatalog } from '../factories/tickets';

const catalog = exampleCatalog();
const valid = {
  table: 'staff_basic',
  field: 'political_status',
  record_key: { staff_no: '20190001' },
  description: '政治面貌应为中共党员',
  suggested_value: '中共党员',
};
/** Field → its first problem, as the form and the API show them (middleware/errors.ts fieldMessages). */
function fieldsOf(raw: Record<string, unknown>) {
  const out: Record<string, unknown> = {};
  for (const p of checkReport(catalog, raw).problems) if (!(p.field in out)) out[p.field] = [p.key, p.params ?? {}];
  return out;
}

describe('report validation against the catalog', () => {
  it('accepts a report naming a catalog field and the table key, trimming what was typed', () => {
    const { input, problems } = checkReport(catalog, { ...valid, description: '  政治面貌应为中共党员 ', suggested_value: '' });
    expect(problems).toEqual([]);
    expect(input?.table.name).toBe('staff_basic');
    // The field keeps its own department (ORG) although the table is HR's: routing reads it.
    expect([input?.field.department, input?.table.department]).toEqual(['ORG', 'HR']);
    expect(input?.recordKey).toEqual({ staff_no: '20190001' });
    expect(input?.description).toBe('政治面貌应为中共党员');
    expect(input?.suggestedValue).toBeNull();
  });

  it('names an unknown table, and does not judge field or key without one', () => {
    expect(fieldsOf({ ...valid, table: 'staff' })).toEqual({ table: ['reports.errors.tableUnknown', { value: 'staff' }] });
  });

  it('names an unknown field with its table, by the table’s title', () => {
    expect(fieldsOf({ ...valid, field: 'party' })).toEqual({
      field: ['reports.errors.fieldUnknown', { value: 'party', table: '教职工基本信息' }],
    });
  });

  it('refuses a key that does not match the key columns: missing, extra or not an object', () => {
    // A key column's own message names it as its input is labelled (职工号); the key's summary by names, for the API.
    expect(fieldsOf({ ...valid, record_key: { student_no: '2024000001' } })).toEqual({
      'record_key.staff_no': ['reports.errors.keyValueRequired', { column: '职工号' }],
      record_key: ['reports.errors.keyExtraMissing', { extra: 'student_no', missing: 'staff_no', expected: 'staff_no' }],
    });
    expect(fieldsOf({ ...valid, record_key: {} })).toHaveProperty(
      ['record_key'],
      ['reports.errors.keyMissing', { missing: 'staff_no', expected: 'staff_no' }],
    );
    expect(fieldsOf({ ...valid, record_key: { staff_no: '20190001', name: '张三' } })).toEqual({
      record_key: ['reports.errors.keyExtra', { extra: 'name', expected: 'staff_no' }],
    });
    expect(fieldsOf({ ...valid, record_key: '20190001' })).toEqual({
      record_key: ['reports.errors.recordKeyType', { expected: 'staff_no' }],
    });
    expect(fieldsOf({ ...valid, record_key: { staff_no: '   ' } })).toHaveProperty(
      ['record_key.staff_no'],
      ['reports.errors.keyValueRequired', { column: '职工号' }],
    );
  });

  it('requires a description and reports every problem at once', () => {
    expect(fieldsOf({ ...valid, description: ' ', field: '' })).toEqual({
      field: ['reports.errors.fieldRequired', {}],
      description: ['reports.errors.descriptionRequired', {}],
    });
  });
});

describe('attachment check by content', () => {
  const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(10)]);

  it('accepts a PNG whatever its name, and refuses a text file named .png', () => {
    expect(checkAttachment({ filename: 'scan.txt', buffer: png })).toEqual([]);
    expect(checkAttachment({ filename: 'scan.png', buffer: Buffer.from('not an image') })).toEqual([
      { field: 'attachment', key: 'reports.errors.upload.bad_type' },
    ]);
  });

  it('refuses an empty file and one over 5 MB', () => {
    expect(checkAttachment({ filename: 'a.pdf', buffer: Buffer.alloc(0) })[0].key).toBe('reports.errors.upload.empty');
    const big = Buffer.concat([png, Buffer.alloc(5 * 1024 * 1024)]);
    expect(checkAttachment({ filename: 'a.png', buffer: big })[0].key).toBe('reports.errors.upload.too_large');
  });
});

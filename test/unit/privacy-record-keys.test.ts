import { maskRecordKey } from '../../server/services/privacy';

describe('maskRecordKey', () => {
  const table = {
    fields: [
      { name: 'id_card', sensitive: true, validate: 'cn_id_card' },
      { name: 'phone', sensitive: false, validate: null },
      { name: 'staff_no', sensitive: false },
      { name: 'zjhm', sensitive: false, validate: 'cn_id_card' },
      { name: 'name', title: '姓名', sensitive: false },
      { name: 'code', sensitive: false },
    ],
  };

  it('masks sensitive catalog fields and undeclared columns named for personal data; leaves the rest', () => {
    expect(
      maskRecordKey(table, {
        id_card: '11010519491231002X',
        staff_no: '2019001',
        sfzh: '110105194912310046',
        mobile: '13812345678',
      }),
    ).toEqual({ id_card: '110105********002X', staff_no: '2019001', sfzh: '110105********0046', mobile: '138****5678' });
    // A declared field holding personal data by its validator or name is masked though the catalog forgot
    // `sensitive` (a table keyed by 证件号码 with validate: cn_id_card); a name beside the key tells the row, and stays.
    expect(maskRecordKey(table, { phone: '13812345678' })).toEqual({ phone: '138****5678' });
    expect(maskRecordKey(table, { zjhm: '11010519491231002X', name: '张三' })).toEqual({
      zjhm: '110105********002X',
      name: '张三',
    });
    // Any other column keeps its value, however it looks: an 11-digit student number is no mobile, an all-digit
    // credit code or a date-shaped serial no ID number; the steward finds the record by them.
    const ordinary = { code: '121000004000012345', staff_no: '17210240123', serial_no: '202603021015001' };
    expect(maskRecordKey({ fields: [...table.fields, { name: 'serial_no', sensitive: false }] }, ordinary)).toEqual(ordinary);
    expect(maskRecordKey(undefined, { student_no: '17210240123' })).toEqual({ student_no: '17210240123' });
    // Without the table (dropped from the catalog), names still decide.
    expect(maskRecordKey(undefined, { xh: '2023001', lxdh: '13912345678' })).toEqual({ xh: '2023001', lxdh: '139****5678' });
  });

  it('keeps an empty column empty and reads the same masked twice', () => {
    expect(maskRecordKey(table, { id_card: null, staff_no: '' })).toEqual({ id_card: null, staff_no: '' });
    const once = maskRecordKey(table, { id_card: '11010519491231002X', mobile: '13812345678' });
    expect(maskRecordKey(table, once)).toEqual(once);
  });
});

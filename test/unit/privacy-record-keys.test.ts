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
    // Any other column: an ID number or mobile in its value is still masked (a key the catalog calls a code).
    expect(maskRecordKey(table, { code: '11010519491231002X', staff_no: '2019001' })).toEqual({
      code: '110105********002X',
      staff_no: '2019001',
    });
    // Without the table (dropped from the catalog), names still decide.
    expect(maskRecordKey(undefined, { xh: '2023001', lxdh: '13912345678' })).toEqual({ xh: '2023001', lxdh: '139****5678' });
  });

  it('keeps an empty column empty and reads the same masked twice', () => {
    expect(maskRecordKey(table, { id_card: null, staff_no: '' })).toEqual({ id_card: null, staff_no: '' });
    const once = maskRecordKey(table, { id_card: '11010519491231002X', mobile: '13812345678' });
    expect(maskRecordKey(table, once)).toEqual(once);
  });
});

import { maskRecordKey } from '../../server/services/privacy';

describe('maskRecordKey', () => {
  const table = {
    fields: [
      { name: 'id_card', sensitive: true, validate: 'cn_id_card' },
      { name: 'phone', sensitive: false, validate: null },
      { name: 'staff_no', sensitive: false },
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
    // A declared field the catalog does not mark sensitive is shown as the catalog says.
    expect(maskRecordKey(table, { phone: '13812345678' })).toEqual({ phone: '13812345678' });
    // Without the table (dropped from the catalog), names still decide.
    expect(maskRecordKey(undefined, { xh: '2023001', lxdh: '13912345678' })).toEqual({ xh: '2023001', lxdh: '139****5678' });
  });

  it('keeps an empty column empty and reads the same masked twice', () => {
    expect(maskRecordKey(table, { id_card: null, staff_no: '' })).toEqual({ id_card: null, staff_no: '' });
    const once = maskRecordKey(table, { id_card: '11010519491231002X', mobile: '13812345678' });
    expect(maskRecordKey(table, once)).toEqual(once);
  });
});

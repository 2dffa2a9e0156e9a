import { translator } from '../../server/i18n';
import { fieldLabel } from '../../server/middleware/errors';

// The generic error page names a refused field as a reader would, not by its form key.

describe('error page: field labels', () => {
  const zh = translator('zh-CN');
  const en = translator('en');

  it("names known fields in the reader's language", () => {
    expect(fieldLabel('comment', zh)).toBe('备注');
    expect(fieldLabel('comment', en)).toBe('Comment');
    expect(fieldLabel('expires_on', zh)).toBe('到期日期');
  });

  it('numbers items from 1 and labels each part of a nested key it knows', () => {
    expect(fieldLabel('items.2.table', zh)).toBe('申请项 3 · 数据表');
    expect(fieldLabel('items.0.fields', en)).toBe('Item 1 · Fields');
    expect(fieldLabel('applicant.email', zh)).toBe('申请人 · 电子邮箱');
  });

  it('keeps a part it has no label for (a hub column, an ambiguous key), so the field stays identifiable', () => {
    expect(fieldLabel('record_key.staff_no', zh)).toBe('记录主键 · staff_no');
    expect(fieldLabel('staff_no', zh)).toBe('staff_no');
  });

  it("labels `to` as the end date: on the error page it is a period's (exports); a ticket's new status comes back to its page", () => {
    expect(fieldLabel('to', zh)).toBe('结束日期');
    expect(fieldLabel('to', en)).toBe('End date');
  });
});

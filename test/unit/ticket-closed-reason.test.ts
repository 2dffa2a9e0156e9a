import { closedReasonIn } from '../../server/services/tickets/closed-reason';
import { WITHDRAWN_CLOSE_REASON } from '../../server/services/reports/withdraw';

describe("a ticket's reason closed, as a page shows it", () => {
  it("gives the reader's half of the system's bilingual reasons", () => {
    expect(closedReasonIn(WITHDRAWN_CLOSE_REASON, 'zh-CN')).toBe('报告人已撤回报告');
    expect(closedReasonIn(WITHDRAWN_CLOSE_REASON, 'en')).toBe('the reporter withdrew the report');
    expect(closedReasonIn('数据目录已不再检查此项 / the catalog no longer checks this', 'en')).toBe(
      'the catalog no longer checks this',
    );
    const duplicate = '目录变更后与工单 #12 重复 / duplicate of ticket #12 after a catalog change';
    expect(closedReasonIn(duplicate, 'zh-CN')).toBe('目录变更后与工单 #12 重复');
    expect(closedReasonIn(duplicate, 'en')).toBe('duplicate of ticket #12 after a catalog change');
  });

  it('keeps what a person typed, a slash in it too', () => {
    expect(closedReasonIn('非数据问题 / not a data problem', 'en')).toBe('非数据问题 / not a data problem');
    expect(closedReasonIn('数据表已撤销', 'en')).toBe('数据表已撤销');
    expect(closedReasonIn(null, 'zh-CN')).toBeNull();
  });
});

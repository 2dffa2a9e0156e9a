import { TRIAGE_REASON_MAX } from '../../server/services/reports';
import { MONDAY, STAFF, useReportsWorld } from '../factories/reports';

/** The triage queue's reason to reject a report stops where the service refuses it (rejectTriagedReport). */
const world = useReportsWorld();

describe("the triage queue's reason to reject", () => {
  it("stops at the service's limit (maxlength from TRIAGE_REASON_MAX, not a number typed in the page)", async () => {
    const [{ id }] = await world
      .db('reports')
      .insert({
        table_name: 'staff_basic',
        field_name: 'email',
        record_key: JSON.stringify({ staff_no: STAFF.staff_no }),
        department_code: 'HR',
        description: '邮箱有误',
        reporter_id: world.people.reporter.id,
        status: 'triage',
        created_at: MONDAY,
      })
      .returning('id');
    const page = (await (await world.as('office')).agent.get('/reports/triage').expect(200)).text;
    const form = new RegExp(`<form method="post" action="/reports/${id}/reject"[\\s\\S]*?</form>`).exec(page)?.[0] ?? '';
    expect([...form.matchAll(/<input name="reason"[^>]*\bmaxlength="(\d+)"/g)].map((m) => Number(m[1]))).toEqual([
      TRIAGE_REASON_MAX,
    ]);
  });
});

import { can, CurrentUser, Role } from '../../server/policies';
import { ALLOWED_FROM } from '../../server/services/tickets';

const user = (roles: Role[], department = 'HR'): CurrentUser => ({
  id: 1,
  login: 'u',
  name: 'u',
  department,
  roles,
  locale: 'zh-CN',
});

describe('who may do what to a ticket', () => {
  it("lets a department's steward work its own tickets only", () => {
    expect(can(user(['steward']), 'tickets.work', { department: 'HR' })).toBe(true);
    expect(can(user(['steward']), 'tickets.work', { department: 'STU' })).toBe(false);
    expect(can(user(['steward']), 'tickets.view', { department: 'STU' })).toBe(false);
    expect(can(user(['steward']), 'tickets.close', { department: 'HR' })).toBe(false);
  });

  it('lets the IT office see, close and reassign everything but not work a department ticket', () => {
    const office = user(['it_office'], 'ITC');
    expect(can(office, 'tickets.view', { department: 'HR' })).toBe(true);
    expect(can(office, 'tickets.close', { department: 'HR' })).toBe(true);
    expect(can(office, 'tickets.reassign', { department: 'HR' })).toBe(true);
    expect(can(office, 'tickets.work', { department: 'HR' })).toBe(false);
  });

  it('lets the university leader read all tickets, and keeps plain users out of the queue', () => {
    expect(can(user(['univ_leader']), 'tickets.view', { department: 'STU' })).toBe(true);
    expect(can(user(['univ_leader']), 'tickets.close')).toBe(false);
    expect(can(user(['user']), 'tickets.list')).toBe(false);
    expect(can(user(['user']), 'inbox.view')).toBe(true);
  });

  it("takes comments from the ticket's department and the IT office only: the university leader reads, never acts", () => {
    const leader = user(['univ_leader'], 'XXB');
    for (const action of ['tickets.comment', 'tickets.work', 'tickets.close', 'tickets.reassign'] as const) {
      expect(can(leader, action, { department: 'HR' })).toBe(false);
      expect(can(leader, action, { department: 'XXB' })).toBe(false);
    }
    expect(can(user(['steward']), 'tickets.comment', { department: 'HR' })).toBe(true);
    expect(can(user(['dept_leader']), 'tickets.comment', { department: 'HR' })).toBe(true);
    expect(can(user(['steward']), 'tickets.comment', { department: 'STU' })).toBe(false);
    expect(can(user(['it_office'], 'ITC'), 'tickets.comment', { department: 'HR' })).toBe(true);
    expect(can(user(['admin'], 'ITC'), 'tickets.comment', { department: 'HR' })).toBe(true);
    // A leader who is also a department's steward comments on that department's tickets only.
    expect(can(user(['univ_leader', 'steward']), 'tickets.comment', { department: 'HR' })).toBe(true);
    expect(can(user(['univ_leader', 'steward']), 'tickets.comment', { department: 'STU' })).toBe(false);
  });

  it('never lets a person set resolved, and only closes active tickets', () => {
    expect(Object.keys(ALLOWED_FROM).sort()).toEqual(['acknowledged', 'closed', 'fixed']);
    expect(ALLOWED_FROM.closed).toEqual(['open', 'acknowledged', 'fixed']);
    expect(ALLOWED_FROM.fixed).not.toContain('fixed');
  });
});

import type { AppContext } from '../context';
import type { Translator } from '../i18n';
import { can, CurrentUser, Role } from '../policies';

/**
 * What each role lands on: a card per thing this user is responsible for. Features add their cards
 * here; the home page template just lists them.
 */
export interface HomeCard {
  title: string;
  text: string;
  href: string;
}

const ROLE_ORDER: Role[] = ['admin', 'it_office', 'univ_leader', 'dept_leader', 'steward', 'user'];

export async function homeFor(ctx: AppContext, user: CurrentUser, t: Translator) {
  const cards: HomeCard[] = [];
  if (can(user, 'users.manage')) cards.push({ title: t('home.cards.users.title'), text: t('home.cards.users.text'), href: '/admin/users' });
  if (can(user, 'audit.view')) cards.push({ title: t('home.cards.audit.title'), text: t('home.cards.audit.text'), href: '/admin/audit' });
  if (can(user, 'tickets.list')) cards.push({ title: t('tickets.home.title'), text: t('tickets.home.text'), href: can(user, 'tickets.viewAll') ? '/tickets?view=overdue' : '/tickets' });
  if (can(user, 'sharing.apply')) cards.push({ title: t('sharing.title'), text: t('sharing.homeCard'), href: can(user, 'sharing.review') ? '/sharing/queue' : '/sharing' });
  if (can(user, 'department.view', { department: user.department })) {
    cards.push({ title: t('home.cards.department.title'), text: t('home.cards.department.text'), href: `/departments/${encodeURIComponent(user.department)}` });
  }
  if (can(user, 'scorecards.dashboard')) cards.push({ title: t('scorecards.home.dashboard.title'), text: t('scorecards.home.dashboard.text'), href: '/dashboard' });
  else if (can(user, 'scorecards.view', { department: user.department })) cards.push({ title: t('scorecards.home.own.title'), text: t('scorecards.home.own.text'), href: `/scorecards/${encodeURIComponent(user.department)}` });
  const department = await ctx.db('departments').where({ code: user.department }).first('name');
  const primaryRole = ROLE_ORDER.find((r) => user.roles.includes(r)) ?? 'user';
  return {
    title: t('home.title'),
    greeting: t(`home.greeting.${primaryRole}`, { name: user.name }),
    departmentName: department?.name ?? user.department,
    roles: user.roles.map((r) => t(`roles.${r}`)),
    cards,
  };
}

import type { CurrentUser, PolicyResource, Role } from './index';

export type Rule = (user: CurrentUser, resource: PolicyResource) => boolean;

export const has = (user: CurrentUser, ...roles: Role[]) => roles.some((r) => user.roles.includes(r));
/** The IT office (and administrators) see and supervise every department. Also read by SQL (sharing stage rows). */
export const OFFICE_ROLES = ['admin', 'it_office'] as const satisfies readonly Role[];
export const isOffice = (user: CurrentUser) => has(user, ...OFFICE_ROLES);
export const sameDepartment = (user: CurrentUser, r: PolicyResource) => !!r.department && r.department === user.department;
export const isOwner = (user: CurrentUser, r: PolicyResource) => r.ownerId != null && r.ownerId === user.id;

import type { CurrentUser, PolicyResource, Role } from './index';

export type Rule = (user: CurrentUser, resource: PolicyResource) => boolean;

export const has = (user: CurrentUser, ...roles: Role[]) => roles.some((r) => user.roles.includes(r));
/** The IT office (and administrators) see and supervise every department. */
export const isOffice = (user: CurrentUser) => has(user, 'admin', 'it_office');
export const sameDepartment = (user: CurrentUser, r: PolicyResource) => !!r.department && r.department === user.department;
export const isOwner = (user: CurrentUser, r: PolicyResource) => r.ownerId != null && r.ownerId === user.id;

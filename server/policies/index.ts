/**
 * The one place that decides who may see and do what. Routes never look at roles themselves: they
 * call `can()` (or the `authorize()` middleware built on it). A rule gets the user and, for actions
 * about one department's or one person's things, the resource.
 */
import { coreRules } from './core';
import { ticketsRules } from './tickets';
import { sharingRules } from './sharing';
import { scorecardsRules } from './scorecards';
import { reportsRules } from './reports';
import type { Rule } from './rule';

export const ROLES = ['admin', 'it_office', 'steward', 'dept_leader', 'univ_leader', 'user'] as const;
export type Role = (typeof ROLES)[number];

export interface CurrentUser {
  id: number;
  login: string;
  name: string;
  department: string;
  roles: Role[];
  /** The language the user chose with the switch (saved with the account); null: none yet, the browser's counts. */
  locale: string | null;
}

export interface PolicyResource {
  /** Department code the object belongs to (a ticket's department, a scorecard's department…). */
  department?: string | null;
  /** User id of the object's owner (a report's reporter, a request's applicant…). */
  ownerId?: number | null;
}

// One spread per feature area (server/policies/<area>.ts).
const rules = {
  ...coreRules,
  ...ticketsRules,
  ...sharingRules,
  ...scorecardsRules,
  ...reportsRules,
} satisfies Record<string, Rule>;

export type Action = keyof typeof rules;

export function can(user: CurrentUser | null | undefined, action: Action, resource: PolicyResource = {}): boolean {
  if (!user) return false;
  const rule: Rule = rules[action];
  return rule(user, resource);
}

export const ACTIONS = Object.keys(rules) as Action[];

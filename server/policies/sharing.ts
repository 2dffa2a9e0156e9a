import { has, isOffice, isOwner, Rule, sameDepartment } from './rule';
import type { Role } from './index';

/** Who decides a department's review (the applicant unit's, stage 1; a data source's, stage 3): its steward or its leader. Also read by SQL (sharing lists, stage rows). */
export const DEPARTMENT_REVIEWER_ROLES = ['steward', 'dept_leader'] as const satisfies readonly Role[];

/**
 * Data-sharing requests (seed 000). Stage rules get `{department}` of the stage; the service adds
 * what roles cannot say: nobody decides their own request, and only a stage that is pending counts.
 */
export const sharingRules = {
  /** Any signed-in account may apply for data. */
  'sharing.apply': () => true,
  /** The review queue: anyone who may hold a stage. */
  'sharing.review': (u) => isOffice(u) || has(u, 'steward', 'dept_leader', 'univ_leader'),
  /** The request page: its applicant, the IT office, and departments holding a reached stage (service-checked). */
  'sharing.view': (u, r) => isOffice(u) || isOwner(u, r) || (has(u, 'steward', 'dept_leader') && sameDepartment(u, r)),
  /** Stage 1: the applicant unit's steward (or its leader). */
  'sharing.decide_unit': (u, r) => has(u, ...DEPARTMENT_REVIEWER_ROLES) && sameDepartment(u, r),
  /** Stages 2 and 5, arbitration, deciding in place of an overdue department, revoking grants. */
  'sharing.decide_office': (u) => isOffice(u),
  /** Stage 3: the department owning the requested conditional data. */
  'sharing.decide_source': (u, r) => has(u, ...DEPARTMENT_REVIEWER_ROLES) && sameDepartment(u, r),
  /** Stage 4: the university leader in charge of IT. */
  'sharing.decide_leader': (u) => has(u, 'univ_leader'),
  /** All requests, grants, data-structure change reviews. */
  'sharing.manage': (u) => isOffice(u),
  /**
   * A submitted request's personal data in full (vendors' ID numbers, every phone number), whatever its stages: the IT
   * office, which checks these people, calls them and prints the archive copy. Not an administrator as such (`admin`
   * manages accounts and needs none of it); a stage's reviewers read them in full by their stage (sharing/access.ts).
   */
  'sharing.personal_data': (u) => has(u, 'it_office'),
  /** A department announces a data-structure change of its system (seed 003 Att. 1). */
  'sharing.structure_file': (u, r) => isOffice(u) || (has(u, 'steward', 'dept_leader') && sameDepartment(u, r)),
  'sharing.structure_view': () => true,
} satisfies Record<string, Rule>;

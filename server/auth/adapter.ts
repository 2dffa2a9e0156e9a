import type { Router } from 'express';
import type { Knex } from 'knex';
import type { UserRow } from '../services/users';

/**
 * The seam for campus single sign-on. An adapter turns an external identity into a local account;
 * everything after that (session, roles, policies, audit) is the same for every adapter.
 *
 * No adapter ships yet: the password login form (server/routes/auth) is the one sign-in. A CAS 3.0 or OIDC
 * adapter would:
 *  - mount its routes in `mountRoutes` (e.g. GET /auth/cas/login redirecting to the CAS server, and
 *    GET /auth/cas/callback validating the ticket at /p3/serviceValidate, or the OIDC code flow);
 *  - map the asserted identity (CAS `user` attribute, OIDC `preferred_username`/`sub`) to a local login
 *    and return that user, or null when the account does not exist or is disabled;
 *  - call `completeLogin(db, req, user, method)` from `server/auth/login.ts`, which regenerates the session id,
 *    stores the user and writes the audit row.
 * An adapter's routes would be mounted from `server/routes/index.ts`; routes never know which one is in use.
 */
export interface AuthAdapter {
  readonly name: string;
  /** Where the "sign in" link points. */
  readonly loginPath: string;
  mountRoutes(router: Router, deps: { db: Knex }): void;
}

export type { UserRow };

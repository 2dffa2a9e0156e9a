import type { AppContext } from '../../context';
import type { CheckRunnerDeps } from './runs';

/**
 * Wires the check runner to the rest of the product: results go to the ticket service, table errors
 * to the IT office. One place, so the scheduler, the CLI and "run now" behave the same.
 */
export function checkRunnerDeps(ctx: AppContext, extra: Partial<CheckRunnerDeps> = {}): CheckRunnerDeps {
  return {
    db: ctx.db,
    hub: ctx.hub,
    logger: ctx.logger,
    now: ctx.now,
    statementTimeoutMs: ctx.config.checkStatementTimeoutMs,
    ...extra,
  };
}

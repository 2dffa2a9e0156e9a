/**
 * The check engine: catalog checks computed on the hub in one SQL pass per table, verdicts by
 * json-rules-engine. See rules/README.md for the facts custom rules can use and the exact semantics.
 */
export {
  runChecks,
  runTableChecks,
  dialectFor,
  DEFAULT_SAMPLE_LIMIT,
  DEFAULT_STATEMENT_TIMEOUT_MS,
  type RunChecksOptions,
} from './engine';
export {
  compileBuiltinRule,
  compileCustomRule,
  customRuleProblems,
  factsReferenced,
  nullCountColumns,
  FACT_NAMES,
  type FactName,
} from './compile';
export { deadlineCutoff, latestPassedOccurrence, type DeadlineCutoff } from './deadlines';
export { describeHubTable, findColumn, type HubColumn, type HubTableShape, type TimeKind } from './hub-schema';
export { quoteIdent, quoteTable, splitTableName, IdentifierError } from './identifiers';
export { checkErrorText, parseCheckError, CHECK_ERROR_TEXTS, type CheckErrorKey } from './messages';
export { planTable, PlanError, type TablePlan, type PlannedCheck } from './facts/plan';
export { postgresDialect } from './facts/sql-postgres';
export { mysqlDialect } from './facts/sql-mysql';
export type * from './types';

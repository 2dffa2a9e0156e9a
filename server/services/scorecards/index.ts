/**
 * Department scorecards (issue 7): the only code that decides scores. See README.md for the
 * definitions of every component, the formula, periods and closing.
 */
export {
  COMPONENTS,
  DEFAULT_WEIGHTS,
  VALIDITY_KINDS,
  compliance,
  formatPercent,
  formatScore,
  percentOf,
  rankByScore,
  scoreOf,
  type Component,
  type ComponentValues,
  type Weights,
} from './components';
export { computeDay, WINDOW_DAYS, type ComputedDay, type DepartmentDay } from './compute';
export { resultsCsv, resultsWorkbook, EXPORT_COLUMNS } from './export';
export {
  addAppeal,
  answerAppeal,
  appealsOf,
  closablePeriod,
  closePeriod,
  computePeriodResults,
  findAppeal,
  findClosedPeriod,
  hasScores,
  listClosedPeriods,
  periodContaining,
  periodResults,
  PERIOD_KINDS,
  type ClosedPeriod,
  type ListedPeriod,
  type Period,
  type PeriodKind,
  type PeriodResult,
} from './periods';
/** The range check is the calendar's (the audit log's filter uses it too); the scorecards' callers import it from here. */
export { parseRange } from '../calendar/range';
export { closedPeriodOn, snapshotDay, type SnapshotOutcome } from './snapshot';
export { tableScores, type TableScore } from './tables';
export {
  cachedPeriodResults,
  dashboardModel,
  dataVersion,
  latestDay as lastSnapshotDay,
  scorecardModel,
  snapshotCutoff,
  type DataVersion,
} from './views';
export {
  addWeightsVersion,
  checkNewWeightsVersion,
  nextWeightsVersion,
  parseWeights,
  weightsFor,
  weightsFormVersion,
  weightsHistory,
  type WeightsVersion,
} from './weights';

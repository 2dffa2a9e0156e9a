/**
 * Error reports from data users (数据纠错, issue 6). Reports become quality tickets with check
 * `report` through the ticket service (`fileReport`, `answerReport`, `confirmReportFix`,
 * `reopenReport`, `resolveUnconfirmedFixes` in services/tickets/reports.ts), which alone decides a
 * ticket's state; this area validates, looks records up in the hub, keeps the reports and tells
 * the reporters.
 */
export { keyWords, reportMessage, shownKey } from './describe';
export {
  currentHubValue,
  hubMatches,
  LOOKUP_TIMEOUT_MS,
  mayReadHubValue,
  presentLookup,
  readHubRecord,
  sameValue,
  storedHubValue,
  type HubLookup,
  type HubRecord,
} from './lookup';
export { countLookup } from './lookup-limit';
export { notifyReporters, STATUS_WORDS } from './notify';
export {
  answeredBeforeJoining,
  findReport,
  hubValueVisible,
  isReportStatusFilter,
  joinedTicketAt,
  listMyReports,
  listTriage,
  myReportTables,
  REPORT_STATUS_FILTERS,
  reporterActions,
  reporterStatus,
  reportsOfTicket,
  statusWords,
  toPublicReport,
  triagePageOf,
  triageTables,
  TRIAGE_PAGE_SIZE,
  type ReportFilters,
  type ReportStatusFilter,
  type ReportWithTicket,
  type TriageRow,
} from './queries';
export {
  isReportersObjection,
  knownValues,
  maskReportFor,
  maskReportHistory,
  maskReportText,
  maskReportValue,
  withoutOtherReportersWords,
} from './privacy';
export { closedReasonsForOutsider, historySinceJoined, maskReportTicketText, reportTicketForOutsider } from './ticket-history';
export { loadReportSettings, reportSettingsVersion, saveReportSettings, type ReportSettings } from './settings';
export {
  previewReport,
  rejectTriagedReport,
  ReportLimitError,
  routeTriagedReport,
  submitReport,
  TRIAGE_REASON_MAX,
  type PreviewInput,
  type ReportDeps,
  type SubmitInput,
  type SubmitResult,
} from './submit';
export * from './types';
export { checkAttachment, checkReport } from './validate';
export { disputeAnyTicket, recordNotOurs } from './not-ours';
export {
  mayWithdraw,
  notifyWithdrawnClosed,
  withdrawReport,
  WITHDRAW_REASON_MAX,
  WITHDRAWN_CLOSE_DETAIL,
  WITHDRAWN_CLOSE_REASON,
  type WithdrawResult,
} from './withdraw';

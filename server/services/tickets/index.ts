/**
 * Quality tickets (issue 5): the only code that decides a ticket's state. Check runs call
 * `applyCheckResults`; pages, the API and the CLI call the transitions and queries; the daily jobs
 * call `remindDueTickets`, `escalateOverdueTickets` and `buildDigest`.
 */
export {
  applyCheckResults,
  dueDateFor,
  lockFingerprint,
  type ApplyOptions,
  type ApplySummary,
  type TicketCalendar,
} from './apply';
export { loadTicketCalendar } from './calendar-source';
export { buildDigest, claimDigest, departmentsWithActiveTickets, type Digest } from './digest';
export { escalateOverdueTickets, remindDueTickets } from './deadlines';
export { fingerprintOf, type FingerprintParts } from './fingerprint';
export { describeProblem, subjectOf } from './message';
export {
  notifyClosed,
  notifyDispute,
  notifyDisputeDismissed,
  notifyReassigned,
  notifyReportReopened,
  notifyEscalations,
  notifyExtensionDecided,
  notifyExtensionRequested,
  notifyNewHighSeverity,
  notifyReminders,
  ticketLine,
} from './notify';
export {
  filterChoices,
  findTicket,
  isStatusFilter,
  isTicketView,
  listTickets,
  TICKET_VIEWS,
  ticketHistory,
  ticketMessage,
  toPublicEvent,
  toPublicTicket,
  toReadersTicket,
  type PublicTicket,
  type TicketEventRow,
  type TicketFilters,
  type TicketView,
} from './queries';
export { historyAsShown, historyForReader, maskSuggestedValue, shownFreeText, shownRecordKey, ticketField } from './privacy';
export { maskSampleKeys } from './samples';
export { dueWorkingDaysVersion, loadDueWorkingDays, saveDueWorkingDays } from './settings';
export {
  ALLOWED_FROM,
  commentTicket,
  disputeInTransaction,
  disputeTicket,
  dismissDispute,
  disputeSettled,
  MAX_COMMENT,
  reassignTicket,
  transitionTicket,
  TRANSITION_TARGETS,
  type DisputeInput,
  type TransitionInput,
  type TransitionTarget,
} from './transitions';
export { grantExtension, MAX_EXTENSION_DAYS, refuseExtension, requestExtension } from './extensions';
export * from './types';
export { onRecheckRequested, recheckRequester, type RecheckRequester } from './recheck';
export * from './reports';
export { ticketNotFound, visibleTicket } from './visibility';
export { disputedByReportAnswer } from './report-state';

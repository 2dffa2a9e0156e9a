/**
 * The audit log: an append-only, hash-chained record of every state change that matters
 * (logins, catalog imports, ticket transitions, sharing decisions). Append with `appendAudit`
 * inside the transaction that makes the change; check with `verifyAuditChain`.
 */
export { appendAudit, auditActorOf, AUDIT_LOCK_KEY, InvalidAuditEntryError } from './append';
export { auditHead, parseAuditAnchor, verifyAuditChain } from './verify';
export type { AuditAnchor, AuditProblem, AuditVerification } from './verify';
export { AUDIT_BATCH, auditBatches, listAudit, MAX_AUDIT_PAGE } from './list';
export type { AuditFilters, AuditQuery } from './list';
export { changeSummary } from './summary';
export { canonicalJson, computeRowHash, GENESIS_HASH } from './hash';
export type { AuditActor, AuditEntry, AuditRecord } from './types';

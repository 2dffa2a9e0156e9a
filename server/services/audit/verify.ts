import type { Knex } from 'knex';
import { computeRowHash, GENESIS_HASH } from './hash';
import type { AuditRow } from './types';

export type AuditProblem = 'edited' | 'deleted' | 'reordered' | 'truncated';

export interface AuditVerification {
  ok: boolean;
  /** Rows examined, including the bad one when there is one. */
  checked: number;
  firstBad?: { seq: number; problem: AuditProblem; detail: string };
  /**
   * The last row examined. Removing rows from the END of the log leaves a valid chain; an operator
   * who records this (seq, hash) pair elsewhere can detect that later.
   */
  head?: { seq: number; rowHash: string };
}

/**
 * Walks the whole chain in seq order, page by page, recomputing every hash, and stops at the first
 * row that is not what the appender wrote:
 * - 'deleted': rows are missing before it (a gap in seq), or it is intact but chained to a row that
 *   no longer exists;
 * - 'reordered': it is chained to a row that exists but is not its predecessor (seq values swapped);
 * - 'edited': its content no longer matches its hash, or (names the predecessor) the predecessor's
 *   hash was recomputed after an edit so this row no longer chains to it.
 */
export async function verifyAuditChain(
  db: Knex,
  options: { pageSize?: number; anchor?: AuditAnchor } = {},
): Promise<AuditVerification> {
  const result = await verifyChain(db, options.pageSize ?? 1000);
  if (!result.ok || !options.anchor) return result;
  const problem = anchorProblem(
    result,
    options.anchor,
    await db('audit_log').where({ seq: options.anchor.seq }).first('row_hash'),
  );
  return problem ? { ...result, ok: false, firstBad: problem } : result;
}

/** A (seq, row_hash) pair recorded earlier outside the database: the head printed by a past verify. */
export interface AuditAnchor {
  seq: number;
  rowHash: string;
}

/** The newest row's (seq, hash), as `audit verify --anchor` takes it; null for an empty log. */
export async function auditHead(db: Knex): Promise<AuditAnchor | null> {
  const row = await db('audit_log').orderBy('seq', 'desc').first('seq', 'row_hash');
  return row ? { seq: Number(row.seq), rowHash: String(row.row_hash).trim() } : null;
}

/** `SEQ:HASH` as printed by `hubwatch audit verify`; null when it is not that. */
export function parseAuditAnchor(text: string): AuditAnchor | null {
  const m = /^(\d{1,15}):([0-9a-f]{64})$/.exec(text.trim());
  return m ? { seq: Number(m[1]), rowHash: m[2] } : null;
}

/**
 * Rows removed from the END of the log leave a valid chain: only a head recorded elsewhere tells.
 * The anchored row must still be there with the same hash (the chain from it on was just verified).
 */
function anchorProblem(
  result: AuditVerification,
  anchor: AuditAnchor,
  row: { row_hash: string } | undefined,
): AuditVerification['firstBad'] {
  if (!row) {
    const last = result.head?.seq ?? 0;
    return {
      seq: anchor.seq,
      problem: 'truncated',
      detail: `日志只到第 ${last} 行：第 ${last + 1}–${anchor.seq} 行（记录的链首）已从末尾被删除 / the log ends at row ${last}: rows ${last + 1}–${anchor.seq} (the recorded head) were deleted from its end`,
    };
  }
  if (row.row_hash.trim() !== anchor.rowHash)
    return {
      seq: anchor.seq,
      problem: 'edited',
      detail: `第 ${anchor.seq} 行的哈希与记录的不同（该行起的链被重写）/ row ${anchor.seq}'s hash differs from the recorded one: the chain was rewritten from there`,
    };
  return undefined;
}

async function verifyChain(db: Knex, pageSize: number): Promise<AuditVerification> {
  let prev: AuditRow | null = null;
  let checked = 0;
  for (;;) {
    const page = (await db('audit_log')
      .select('*')
      .where('seq', '>', prev ? prev.seq : 0)
      .orderBy('seq')
      .limit(pageSize)) as AuditRow[];
    for (const row of page) {
      checked += 1;
      const firstBad = await findProblem(db, row, prev);
      if (firstBad) return { ok: false, checked, firstBad, head: { seq: Number(row.seq), rowHash: row.row_hash.trim() } };
      prev = row;
    }
    if (page.length < pageSize) break;
  }
  return { ok: true, checked, ...(prev ? { head: { seq: Number(prev.seq), rowHash: prev.row_hash.trim() } } : {}) };
}

async function findProblem(db: Knex, row: AuditRow, prev: AuditRow | null): Promise<AuditVerification['firstBad']> {
  const seq = Number(row.seq);
  const expectedSeq = prev ? Number(prev.seq) + 1 : 1;
  const expectedPrevHash = prev ? prev.row_hash.trim() : GENESIS_HASH;
  const prevHash = row.prev_hash.trim();
  const contentOk = computeRowHash(row) === row.row_hash.trim();

  if (seq !== expectedSeq) {
    const missing = seq - 1 === expectedSeq ? `${expectedSeq}` : `${expectedSeq}–${seq - 1}`;
    return {
      seq,
      problem: 'deleted',
      detail: `第 ${missing} 行缺失（被删除）/ row(s) ${missing} missing before row ${seq} (deleted)`,
    };
  }
  if (prevHash !== expectedPrevHash) {
    const linked = (await db('audit_log').select('seq').where('row_hash', prevHash).whereNot('seq', seq).first()) as
      { seq: number } | undefined;
    if (linked) {
      return {
        seq,
        problem: 'reordered',
        detail: `第 ${seq} 行链接到第 ${linked.seq} 行而不是其前一行（顺序被改动）/ row ${seq} is chained after row ${linked.seq}, not after the row before it (reordered)`,
      };
    }
    if (contentOk && prev) {
      return {
        seq: Number(prev.seq),
        problem: 'edited',
        detail: `第 ${prev.seq} 行被改写并重新计算了哈希，第 ${seq} 行不再与其相连 / row ${prev.seq} was rewritten with a recomputed hash: row ${seq}'s prev_hash no longer matches it (edited)`,
      };
    }
    if (contentOk) {
      return {
        seq,
        problem: 'deleted',
        detail: `第 ${seq} 行应接在链首（prev_hash 全为 0），其前的行已被删除 / row ${seq} should start the chain (prev_hash all zeros): rows before it were deleted`,
      };
    }
  }
  if (!contentOk || prevHash !== expectedPrevHash) {
    return {
      seq,
      problem: 'edited',
      detail: `第 ${seq} 行的内容与其哈希不符（被修改）/ row ${seq}: its content does not match its row_hash (edited)`,
    };
  }
  return undefined;
}

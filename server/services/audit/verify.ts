import type { Knex } from 'knex';
import type { MessageParams } from '../../errors';
import { computeRowHash, GENESIS_HASH } from './hash';
import type { AuditRow } from './types';

export type AuditProblem = 'edited' | 'deleted' | 'reordered' | 'truncated';

export interface AuditVerification {
  ok: boolean;
  /** Rows examined, including the bad one when there is one. */
  checked: number;
  /** `detail`: what was found, as an i18n key (cli.result.audit.*) and its parameters, said in the reader's language. */
  firstBad?: { seq: number; problem: AuditProblem; detail: { key: string; params: MessageParams } };
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
      detail: { key: 'cli.result.audit.truncated', params: { last, from: last + 1, to: anchor.seq } },
    };
  }
  if (row.row_hash.trim() !== anchor.rowHash)
    return {
      seq: anchor.seq,
      problem: 'edited',
      detail: { key: 'cli.result.audit.anchorRewritten', params: { seq: anchor.seq } },
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
      detail: { key: 'cli.result.audit.missing', params: { missing, count: seq - expectedSeq, seq } },
    };
  }
  if (prevHash !== expectedPrevHash) {
    const linked = (await db('audit_log').select('seq').where('row_hash', prevHash).whereNot('seq', seq).first()) as
      { seq: number } | undefined;
    if (linked) {
      return {
        seq,
        problem: 'reordered',
        detail: { key: 'cli.result.audit.reordered', params: { seq, linked: linked.seq } },
      };
    }
    if (contentOk && prev) {
      return {
        seq: Number(prev.seq),
        problem: 'edited',
        detail: { key: 'cli.result.audit.rehashed', params: { edited: prev.seq, seq } },
      };
    }
    if (contentOk) {
      return {
        seq,
        problem: 'deleted',
        detail: { key: 'cli.result.audit.headDeleted', params: { seq } },
      };
    }
  }
  if (!contentOk || prevHash !== expectedPrevHash) {
    return {
      seq,
      problem: 'edited',
      detail: { key: 'cli.result.audit.contentEdited', params: { seq } },
    };
  }
  return undefined;
}

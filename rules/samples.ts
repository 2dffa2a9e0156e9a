import type { Sql } from './facts/dialect';
import type { RowCondition, SampleBranch, TablePlan } from './facts/plan';

/** A failing check whose violating rows want sample keys. */
export interface SampleTarget {
  sample: RowCondition;
  sampleJoins?: RowCondition[];
  violations: number;
  /** Row address '(block,offset)' of the last violating row in the heap, where the SQL pass located it. */
  lastRow?: string;
}

/** Blocks (8 kB pages) read backwards from the last violating row in the first round; ×8 per round. */
const FIRST_WINDOW_BLOCKS = 128;
const WINDOW_GROWTH = 8;

const tidPattern = /^\((\d+),(\d+)\)$/;

interface Search {
  target: SampleTarget;
  keys: Record<string, string>[];
  want: number;
  /** Located targets: block where the window read last starts (the next window ends there). */
  low?: number;
  window: number;
  done: boolean;
}

/**
 * Keys of up to `limit` violating rows per target, fetched with ONE statement per round (a UNION
 * ALL of LIMIT branches, no ORDER BY). Targets the SQL pass located are searched backwards from
 * their last violating row in windows of 128, 1 024, 8 192 … blocks, each round reading only blocks
 * no earlier round read, until enough keys are found or the start of the table is reached: recently
 * written rows sit at the end of the heap, and a plain scan from the start read the whole table
 * when the bad rows were there. Other targets get one LIMIT scan in the first round. Keys come
 * sorted by the key columns; which rows they are is the heap's order (not deterministic across
 * concurrent writes or synchronized scans).
 */
export async function fetchSampleKeys(
  plan: TablePlan,
  targets: SampleTarget[],
  limit: number,
  query: (q: Sql) => Promise<Record<string, unknown>[]>,
): Promise<Map<SampleTarget, Record<string, string>[]>> {
  const searches: Search[] = targets.map((target) => ({
    target,
    keys: [],
    want: Math.min(limit, Math.max(1, target.violations)),
    window: FIRST_WINDOW_BLOCKS,
    done: limit <= 0,
  }));
  for (let round = 0; searches.some((s) => !s.done); round++) {
    const active: Search[] = [];
    const branches: SampleBranch[] = [];
    for (const s of searches) {
      if (s.done) continue;
      const base = { sample: s.target.sample, sampleJoins: s.target.sampleJoins, limit: s.want - s.keys.length };
      const last = s.target.lastRow ? tidPattern.exec(s.target.lastRow) : null;
      if (!last) {
        branches.push(base);
        s.done = true;
      } else if (round === 0) {
        const from = Math.max(0, Number(last[1]) - s.window);
        branches.push({ ...base, rows: { from: `(${from},0)`, through: s.target.lastRow } });
        s.low = from;
      } else {
        s.window *= WINDOW_GROWTH;
        const from = Math.max(0, s.low! - s.window);
        branches.push({ ...base, rows: { from: `(${from},0)`, before: `(${s.low},0)` } });
        s.low = from;
      }
      active.push(s);
    }
    const q = plan.samplesQuery(branches);
    if (!q) break;
    for (const row of await query(q)) {
      const s = active[Number(row.c)];
      s.keys.push(Object.fromEntries(plan.keyNames.map((k, i) => [k, row[`k${i}`] === null ? '' : String(row[`k${i}`])])));
    }
    for (const s of active) if (s.keys.length >= s.want || s.low === 0) s.done = true;
  }
  return new Map(searches.map((s) => [s.target, sortKeys(s.keys, plan.keyNames)]));
}

function compareKeyValues(a: string, b: string): number {
  const integer = /^-?[0-9]{1,15}$/;
  if (integer.test(a) && integer.test(b)) return Number(a) - Number(b);
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Keys in key order (values compare as numbers when both are integers, else as text). */
function sortKeys(keys: Record<string, string>[], names: string[]): Record<string, string>[] {
  return [...keys].sort((a, b) => {
    for (const n of names) {
      const c = compareKeyValues(a[n], b[n]);
      if (c !== 0) return c;
    }
    return 0;
  });
}

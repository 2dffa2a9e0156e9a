/**
 * The score's components and the one formula that turns them into a 0–100 score. Every ratio is
 * in [0, 1] (1 is best) or null when nothing was measured; see README.md for the definitions.
 */
export const COMPONENTS = ['freshness', 'deadline', 'validity', 'completeness', 'tickets', 'reports', 'sharing'] as const;
export type Component = (typeof COMPONENTS)[number];
export type Weights = Record<Component, number>;
export type ComponentValues = Record<Component, number | null>;

/** The first weights version (the migration inserts the same numbers). */
export const DEFAULT_WEIGHTS: Weights = {
  freshness: 20,
  deadline: 20,
  validity: 20,
  completeness: 15,
  tickets: 15,
  reports: 10,
  sharing: 0,
};

/** The components measured by checks; a score needs at least one of them. */
export const MEASURED: Component[] = ['freshness', 'deadline', 'validity', 'completeness'];

/** Check kinds counted in validity (standard conformance); `required` is completeness. */
export const VALIDITY_KINDS = ['pattern', 'validate', 'codes', 'unique', 'references'];

/** 1 − violations/checked, null when nothing was checked; clamped because a check may count a row twice. */
export function compliance(violations: number, checked: number): number | null {
  if (!(checked > 0)) return null;
  return Math.min(1, Math.max(0, 1 - violations / checked));
}

export function share(part: number, whole: number): number | null {
  return whole > 0 ? part / whole : null;
}

export const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;

/** Counts behind the check-based components, summed over a set of latest check results. */
export interface CheckSums {
  fT: number;
  fP: number;
  dV: number;
  dC: number;
  vV: number;
  vC: number;
  cV: number;
  cC: number;
}

export const emptySums = (): CheckSums => ({ fT: 0, fP: 0, dV: 0, dC: 0, vV: 0, vC: 0, cV: 0, cC: 0 });

/** Adds one check result to `s`: freshness by table, the others by violations over checked rows; custom rules are not scored. */
export function addCheck(
  s: CheckSums,
  c: { check_kind: string; passed: boolean; violations: number; checked_rows: number },
): void {
  if (c.check_kind === 'freshness') {
    s.fT += 1;
    if (c.passed) s.fP += 1;
  } else if (c.check_kind === 'deadline') {
    s.dV += c.violations;
    s.dC += c.checked_rows;
  } else if (c.check_kind === 'required') {
    s.cV += c.violations;
    s.cC += c.checked_rows;
  } else if (VALIDITY_KINDS.includes(c.check_kind)) {
    s.vV += c.violations;
    s.vC += c.checked_rows;
  }
}

/** The check-based components of `s` (README.md: freshness, deadline, validity, completeness). */
export function checkComponents(s: CheckSums): Pick<ComponentValues, 'freshness' | 'deadline' | 'validity' | 'completeness'> {
  return {
    freshness: share(s.fP, s.fT),
    deadline: compliance(s.dV, s.dC),
    validity: compliance(s.vV, s.vC),
    completeness: compliance(s.cV, s.cC),
  };
}

/**
 * score = 100 × Σ wᵢ·cᵢ / Σ wᵢ over the components that were measured (cᵢ not null) and weigh
 * more than 0; null when there is none, or when no check-based component (freshness, deadline,
 * validity, completeness) was measured. A component without data neither helps nor hurts: its
 * weight is shared by the others. Rounded to 2 decimals.
 */
export function scoreOf(values: ComponentValues, weights: Weights): number | null {
  // Without a single check result there is nothing to assess: no tickets overdue alone is not 100.
  if (MEASURED.every((c) => values[c] === null || values[c] === undefined)) return null;
  let weighted = 0;
  let total = 0;
  for (const c of COMPONENTS) {
    const v = values[c];
    const w = weights[c] ?? 0;
    if (v === null || v === undefined || !(w > 0)) continue;
    weighted += w * v;
    total += w;
  }
  return total > 0 ? round((100 * weighted) / total, 2) : null;
}

/**
 * A score as people read and compare it: always two decimals (the precision `scoreOf` keeps), so that 99.90 and
 * 99.99 line up in a ranking and 77 does not look rounder than 76.95.
 */
export function formatScore(score: number | string): string {
  return Number(score).toFixed(2);
}

/** Competition ranking by score (1, 2, 2, 4); departments without a score get no rank. */
export function rankByScore<T extends { score: number | null }>(rows: T[]): (T & { rank: number | null })[] {
  const sorted = [...rows].sort((a, b) => (b.score ?? -1) - (a.score ?? -1));
  let lastScore: number | null = null;
  let lastRank = 0;
  return sorted.map((row, i) => {
    if (row.score === null) return { ...row, rank: null };
    const rank = row.score === lastScore ? lastRank : i + 1;
    lastScore = row.score;
    lastRank = rank;
    return { ...row, rank };
  });
}

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

/**
 * `value` × `scale` rounded half up to `digits` decimals, except that rounding never lands on a bound the value is
 * not on: below `max` it stays one step below (a validity of 0.99985, 3 bad records in 20,000, reads 99.9 %, not
 * 100.0 %; a score of 99.996 reads 99.99, not 100.00), and above 0 it stays one step above (0.0004 reads 0.1 %).
 * 100 % and 0 say that nothing, or everything, was wrong: a rounded figure must not say so when it is not true.
 * `max` is in the value's own unit (1 for a ratio, 100 for a score); the result is in the scaled unit.
 */
export function roundWithinBounds(value: number, digits: number, max: number, scale = 1): number {
  const factor = scale * 10 ** digits;
  // To 12 significant digits first: a value exactly half way often lies a hair below it in binary (0.5005 × 1000 is
  // 500.49999999999994, the mean of 90.07 and 90.08 is 90.07499999999999), which Math.round took down.
  const units = Math.round(Number((value * factor).toPrecision(12)));
  const top = Math.round(max * factor);
  if (units >= top && value < max) return (top - 1) / 10 ** digits;
  if (units <= 0 && value > 0) return 1 / 10 ** digits;
  return units / 10 ** digits;
}

/**
 * A ratio (0–1) in percent with the one decimal every page, chart and export shows, rounded half up (0.9805 →
 * 98.1) but never onto 100 or 0 when the ratio is not (0.9999 → 99.9).
 */
export function percentOf(ratio: number | string): number {
  return roundWithinBounds(Number(ratio), 1, 1, 100);
}

/** A ratio as the pages write it: 98.1%, 99.9% (never 100.0% below 1, see percentOf). */
export function formatPercent(ratio: number | string): string {
  return `${percentOf(ratio).toFixed(1)}%`;
}

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
 * weight is shared by the others. Rounded to 2 decimals, never onto 100 or 0 when not there (roundWithinBounds).
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
  // Below 100 (or above 0) stays so in its two decimals: 99.997 is 99.99, ranked under a department at 100.
  return total > 0 ? roundWithinBounds((100 * weighted) / total, 2, 100) : null;
}

/**
 * A score as people read and compare it: always two decimals (the precision `scoreOf` keeps), so that 99.90 and
 * 99.99 line up in a ranking and 77 does not look rounder than 76.95; a score below 100 never reads 100.00 (nor one
 * above 0 0.00): see roundWithinBounds.
 */
export function formatScore(score: number | string): string {
  return roundWithinBounds(Number(score), 2, 100).toFixed(2);
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

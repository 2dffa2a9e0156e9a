/**
 * SQL building blocks for generating hub rows inside the database. Every value below is either a
 * constant of this module or a number/date validated by the caller, so string building is safe;
 * no `?` is ever emitted (knex would read it as a binding placeholder).
 */

const TWO_POW_32 = 4294967296n;

/** A SQL string literal. */
export function lit(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** `(ARRAY['a','b'])` — a constant array the planner folds once. */
export function textArray(values: readonly string[]): string {
  return `(ARRAY[${values.map(lit).join(', ')}]::text[])`;
}

/** Element `index` (a 0-based SQL integer expression) of a constant array. */
export function pickFrom(values: readonly string[], index: string): string {
  return `${textArray(values)}[(${index})::int + 1]`;
}

/**
 * A subquery yielding `g` (1..count) and `h0..h{n-1}`: independent-looking 32-bit hashes of g, seeded.
 * The mixer is the "lowbias32" shape (xor-shift, multiply, xor-shift) in bigint arithmetic that cannot
 * overflow; the OFFSET 0 fences stop PostgreSQL from inlining each stage into the next, which would
 * recompute the earlier stages once per reference.
 */
export function hashedSeries(count: number, hashes: number, seed: number, stream: number): string {
  const cols = Array.from({ length: hashes }, (_, i) => i);
  const offset = (i: number): string =>
    String((BigInt(seed) * 40503n + BigInt(stream * 64 + i + 1) * 2246822519n + 0x9e3779b9n) % TWO_POW_32);
  const s0 = `SELECT g, ${cols.map((i) => `(g::bigint * 2654435761 + ${offset(i)}) % 4294967296 AS z${i}`).join(', ')} FROM generate_series(1, ${count}) AS g OFFSET 0`;
  const s1 = `SELECT g, ${cols.map((i) => `((z${i} # (z${i} >> 16)) * 2146121005) % 4294967296 AS y${i}`).join(', ')} FROM (${s0}) AS s0 OFFSET 0`;
  const s2 = `SELECT g, ${cols.map((i) => `((y${i} # (y${i} >> 15)) * 1274126177) % 4294967296 AS x${i}`).join(', ')} FROM (${s1}) AS s1 OFFSET 0`;
  return `SELECT g, ${cols.map((i) => `(x${i} # (x${i} >> 16)) AS h${i}`).join(', ')} FROM (${s2}) AS s2 OFFSET 0`;
}

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/** ISO 7064 MOD 11-2 weighted sum of the 17-digit body of a GB 11643 ID number, mod 11. */
export function idCardChecksum(body: string): string {
  const terms = ID_WEIGHTS.map((w, k) => `substr(${body}, ${k + 1}, 1)::int * ${w}`);
  return `((${terms.join(' + ')}) % 11)`;
}

/** The check character for a 17-digit body (`'10X98765432'` indexed by the checksum). */
export function idCardCheckDigit(body: string): string {
  return `substr('10X98765432', ${idCardChecksum(body)}::int + 1, 1)`;
}

/** `id % modulus = residue` for the first `count` such ids: the rows of one injected defect group. */
export function pick(id: string, modulus: number, residue: number, count: number): string {
  if (count <= 0) return 'false';
  return `(${id} % ${modulus} = ${residue} AND ${id} <= ${modulus * (count - 1) + residue})`;
}

export function timestampLit(dateTime: string): string {
  return `timestamp '${dateTime}'`;
}

export function dateLit(date: string): string {
  return `date '${date}'`;
}

/**
 * A naive timestamp spread deterministically over [from, to] by a hash column: `to` minus up to the
 * whole span in seconds.
 */
export function spreadTimestamp(from: string, to: string, hash: string): string {
  const span = Math.max(
    1,
    Math.round((Date.parse(`${to.replace(' ', 'T')}Z`) - Date.parse(`${from.replace(' ', 'T')}Z`)) / 1000),
  );
  return `(${timestampLit(to)} - interval '1 second' * ((${hash}) % ${span + 1}))`;
}

/** 12-digit student number: entry year (2022–2025, from the id) then the id zero-padded to 8. */
export function studentNo(id: string): string {
  return `((2022 + (${id}) % 4)::text || lpad((${id})::text, 8, '0'))`;
}

/** 8-digit staff number derived from the row id; unique by construction. */
export function staffNo(id: string): string {
  return `((10000000 + (${id}))::text)`;
}

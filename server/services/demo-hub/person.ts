import { AREA_CODES, FEMALE_GIVEN, MALE_GIVEN, SURNAMES } from './vocabulary';
import { idCardCheckDigit, pickFrom } from './sql';

/**
 * Columns describing a person (name, sex, birth date, GB 11643 ID number), shared by staff, students
 * and freshmen. Two stages: `personStage` derives the random choices from hash columns (and the
 * 17-digit ID body, so the check digit below reads one column instead of re-deriving it 17 times);
 * the expressions below turn those choices into values.
 */
export interface PersonHashes {
  sex: string;
  birth: string;
  area: string;
  seq: string;
  surname: string;
  given: string;
}

/** Select-list items: male, birth_date, id_body, si, gi1, gi2, single. */
export function personStage(h: PersonHashes, birthFrom: string, birthSpanDays: number, malePercent: number): string[] {
  const male = `(${h.sex} % 100 < ${malePercent})`;
  const birth = `(${birthFrom} + (${h.birth} % ${birthSpanDays})::int)`;
  // The 17th digit is odd for men and even for women (GB 11643), so sex and ID number agree.
  const seq = `lpad(((${h.seq} % 500) * 2 + CASE WHEN ${male} THEN 1 ELSE 0 END)::text, 3, '0')`;
  const n = SURNAMES.length;
  return [
    `${male} AS male`,
    `${birth} AS birth_date`,
    `(${pickFrom(AREA_CODES, `${h.area} % ${AREA_CODES.length}`)} || to_char(${birth}, 'YYYYMMDD') || ${seq}) AS id_body`,
    // least() of two uniform picks favours the common surnames at the front of the list.
    `least(${h.surname} % ${n}, (${h.surname} >> 8) % ${n}) AS si`,
    `${h.given} % ${MALE_GIVEN.length} AS gi1`,
    `(${h.given} >> 8) % ${MALE_GIVEN.length} AS gi2`,
    `((${h.given} >> 16) % 10 < 3) AS single`,
  ];
}

function given(kind: 0 | 1, index: string): string {
  return `CASE WHEN male THEN ${pickFrom(
    MALE_GIVEN.map((g) => g[kind]),
    index,
  )} ELSE ${pickFrom(
    FEMALE_GIVEN.map((g) => g[kind]),
    index,
  )} END`;
}

function fullName(kind: 0 | 1): string {
  return `(${pickFrom(
    SURNAMES.map((s) => s[kind]),
    'si',
  )} || ${given(kind, 'gi1')} || CASE WHEN single THEN '' ELSE ${given(kind, 'gi2')} END)`;
}

export const PERSON_NAME = fullName(0);
export const PERSON_PINYIN = fullName(1);
/** GB/T 2261.1: 1 male, 2 female. */
export const PERSON_GENDER = `CASE WHEN male THEN '1' ELSE '2' END`;
export const PERSON_ID_CARD = `(id_body || ${idCardCheckDigit('id_body')})`;

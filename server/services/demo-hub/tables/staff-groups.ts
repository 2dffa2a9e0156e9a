/**
 * 教职工基本信息. Rows are grouped by `id % 100`: residues 1–19 carry one injected defect each (the
 * first `base × scale` ids of the residue), residues 0–59 are always in scope (在职) so the counts are
 * exact, residues 50–59 are the staff research outputs and loans point at, and 70–94 are what
 * `stageHeadcountDrop` deletes. Residues 60–99 get a realistic mix of 在职/退休/离职.
 */
export const STAFF_GROUPS = {
  dueNoStaffNo: { residue: 1, base: 4 },
  dueNoName: { residue: 2, base: 3 },
  dueNoIdCard: { residue: 3, base: 5 },
  notYetDue: { residue: 4, base: 6 },
  outOfScope: { residue: 5, base: 5 },
  badCheckDigit: { residue: 6, base: 7 },
  badBirthDate: { residue: 7, base: 3 },
  badGender: { residue: 8, base: 4 },
  badPoliticalStatus: { residue: 9, base: 3 },
  badStaffNo: { residue: 10, base: 5 },
  duplicateStaffNo: { residue: 11, base: 5 },
  orphanUnit: { residue: 12, base: 6 },
  badMobile: { residue: 13, base: 4 },
  badEmail: { residue: 14, base: 3 },
  staleSinceSemester: { residue: 15, base: 8 },
  noDutyStatus: { residue: 16, base: 2 },
  noResearchArea: { residue: 17, base: 3 },
  noTitleRank: { residue: 18, base: 2 },
  noPoliticalStatus: { residue: 19, base: 2 },
} as const;

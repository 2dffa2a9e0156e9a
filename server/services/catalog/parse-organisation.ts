/** `departments:` and `systems:` — who is responsible, and which business system each department runs. */
import { isScalar } from 'yaml';
import { isEmailAddress } from '../email-address';
import { type AnyNode, type Declared, Reader, at, byKey, item } from './reader';
import type { CatalogDepartment, CatalogSystem } from './types';
import { TEXT_LIMITS, textLength } from './values';

export function readDepartments(r: Reader, node: AnyNode, path: string): CatalogDepartment[] {
  if (node === undefined) return [];
  const list = r.seq(node, path);
  if (!list) return [];
  const departments: CatalogDepartment[] = [];
  const codes: { value: string; node: AnyNode; path: string }[] = [];
  list.items.forEach((entryNode, index) => {
    const p = item(path, index);
    const map = r.map(entryNode as AnyNode, p);
    if (!map) return;
    const entries = byKey(r.entries(map, p, ['code', 'name', 'stewards']));
    const codeEntry = r.require(entries, map, p, 'code', '部门代码，如 HR', 'department code, e.g. HR');
    const nameEntry = r.require(entries, map, p, 'name', '部门名称，如 人事处', 'department name, e.g. 人事处');
    const code = codeEntry ? r.text(codeEntry.value, at(p, 'code'), TEXT_LIMITS.code) : null;
    // A code is part of addresses (/departments/HR, /tickets?department=HR): "." or ".." there is a path step the
    // browser takes before asking (/departments/.. opened the home page). Reported; the code still counts as declared.
    if (code !== null && /^\.{1,2}$/.test(code)) {
      r.report(
        codeEntry!.value,
        at(p, 'code'),
        'bad_identifier',
        `部门代码不能是 "${code}"：代码会出现在网址中（/departments/${code}），浏览器会把它读作目录层级，打不开部门页面`,
        `a department code cannot be "${code}": codes are part of addresses (/departments/${code}), which browsers read as a folder step, so the department's page could not be opened`,
      );
    }
    const name = nameEntry ? r.text(nameEntry.value, at(p, 'name'), TEXT_LIMITS.name) : null;
    const stewardsEntry = entries.get('stewards');
    const stewards = stewardsEntry ? (r.texts(stewardsEntry.value, at(p, 'stewards')) ?? []) : [];
    // A mistyped address does not stop the import (a warning), and is not kept: no notice can reach it, and the
    // department page, which checks addresses the same way, would refuse to save the list until it was removed.
    const mailable = stewards.filter((steward) => {
      if (isEmailAddress(steward.value)) return true;
      r.report(
        steward.node,
        steward.path,
        'bad_email',
        `"${steward.value}" 不像电子邮件地址，未登记为数据专员邮箱`,
        `"${steward.value}" does not look like an e-mail address; it is not kept as a steward's address`,
        'warning',
      );
      return false;
    });
    // A code refused for its length was reported once, above (so there is no catalog); it still counts
    // as declared, so that the systems and tables naming it are not reported as unknown as well.
    const declared = code ?? (codeEntry ? tooLongText(codeEntry.value, TEXT_LIMITS.code) : null);
    if (declared === null) return;
    codes.push({ value: declared, node: codeEntry?.value, path: at(p, 'code') });
    // A bad name was reported (so there is no catalog); the code still counts, so that the tables
    // and systems naming it are not reported as well.
    departments.push(
      stewardsEntry
        ? { code: declared, name: name ?? '', stewards: mailable.map((s) => s.value) }
        : { code: declared, name: name ?? '' },
    );
  });
  // Codes are taken in any case wherever people type them (departmentCodeAsWritten: ticket filters, scorecards,
  // accounts): with HR and hr both, Hr would be neither.
  r.duplicates(codes, '部门代码', 'department code', {
    ignoreCase: {
      zhWhy: '各处输入的部门代码不区分大小写（hr 即 HR）',
      enWhy: 'department codes are matched in any case (hr is HR) wherever they are typed',
    },
  });
  return departments;
}

/** The text of a value longer than `limit` (a code, a name), else null. */
function tooLongText(node: AnyNode, limit: number): string | null {
  return isScalar(node) && typeof node.value === 'string' && textLength(node.value) > limit ? node.value : null;
}

export function readSystems(r: Reader, node: AnyNode, path: string, departmentCodes: Declared): CatalogSystem[] {
  if (node === undefined) return [];
  const list = r.seq(node, path);
  if (!list) return [];
  const systems: CatalogSystem[] = [];
  const names: { value: string; node: AnyNode; path: string }[] = [];
  list.items.forEach((entryNode, index) => {
    const p = item(path, index);
    const map = r.map(entryNode as AnyNode, p);
    if (!map) return;
    const entries = byKey(r.entries(map, p, ['name', 'department']));
    const nameEntry = r.require(entries, map, p, 'name', '业务系统名称', 'business system name');
    const departmentEntry = r.require(entries, map, p, 'department', '负责部门代码', 'responsible department code');
    const name = nameEntry ? r.text(nameEntry.value, at(p, 'name'), TEXT_LIMITS.name) : null;
    const department = departmentEntry ? checkDepartment(r, departmentEntry.value, at(p, 'department'), departmentCodes) : null;
    // A listed system is known by its name even when its department is wrong or missing, or the name too long: that
    // one problem was reported here (so there is no catalog), and every table naming the system is not reported as
    // well — one mistyped code read as a wrong system in each of its tables.
    const declared = name ?? (nameEntry ? tooLongText(nameEntry.value, TEXT_LIMITS.name) : null);
    if (declared === null) return;
    names.push({ value: declared, node: nameEntry?.value, path: at(p, 'name') });
    systems.push({ name: declared, department: department ?? '' });
  });
  r.duplicates(names, '业务系统名称', 'system name');
  return systems;
}

/**
 * A department code that must be declared under `departments:`. Codes are typed in any case everywhere (`hr` is HR),
 * so a reference in another case than declared is that department, as declared — with a warning saying so, as the
 * catalog is where the code's spelling is set. With `departments` unreadable (null), any code is taken.
 */
export function checkDepartment(r: Reader, node: AnyNode, path: string, departmentCodes: Declared): string | null {
  const code = r.text(node, path);
  if (code === null) return null;
  if (departmentCodes === null || departmentCodes.has(code)) return code;
  const declared = [...departmentCodes].find((c) => c.toLowerCase() === code.toLowerCase());
  if (declared) {
    r.report(
      node,
      path,
      'department_case',
      `部门 "${code}" 按 departments 中的 "${declared}" 读取（部门代码不区分大小写，以声明的写法为准）`,
      `department "${code}" is read as "${declared}" from departments (codes ignore case; the declared spelling is kept)`,
      'warning',
    );
    return declared;
  }
  r.report(
    node,
    path,
    'unknown_department',
    `未知的部门 "${code}"（应为 departments 中的某个 code）`,
    `unknown department "${code}" (expected a code listed under departments)`,
  );
  return null;
}

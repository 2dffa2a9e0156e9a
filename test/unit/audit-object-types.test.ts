import fs from 'node:fs';
import path from 'node:path';
import { allKeys } from '../../server/i18n';
import { AUDIT_OBJECT_TYPES, auditTrailHref } from '../../server/services/audit/objects';

/**
 * The audit log's filter by object takes the object types the server writes (`objectType: 'ticket'`), each with the
 * rule its ids follow (AUDIT_OBJECT_TYPES), and its menu names them in both languages (admin.audit.objects): a type
 * added to an appendAudit call and not here would be a type the filter reads as an older version's, its ids as text.
 */
function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(full) : e.name.endsWith('.ts') ? [full] : [];
  });
}

function writtenTypes(): string[] {
  const found = new Set<string>();
  for (const dir of ['server', 'cli', 'jobs'])
    for (const file of sourceFiles(path.join(__dirname, '../..', dir)))
      for (const m of fs.readFileSync(file, 'utf8').matchAll(/\bobjectType: '([a-z_]+)'/g)) found.add(m[1]);
  return [...found].sort();
}

describe('audit object types', () => {
  it('every object type written to the audit log has a rule for its ids and a name in Chinese and English', () => {
    const written = writtenTypes();
    // The scan finds them (a broken pattern would make this test pass on nothing).
    expect(written).toEqual(expect.arrayContaining(['ticket', 'sharing_request', 'user', 'department', 'report']));
    const known = Object.keys(AUDIT_OBJECT_TYPES).sort();
    expect(written.filter((type) => !known.includes(type))).toEqual([]);
    for (const locale of ['zh-CN', 'en'] as const) {
      const named = allKeys(locale)
        .filter((k) => k.startsWith('admin.audit.objects.'))
        .map((k) => k.slice('admin.audit.objects.'.length))
        .sort();
      expect({ locale, named }).toEqual({ locale, named: known });
    }
  });

  it("an object's trail is the audit page filtered by its type and id", () => {
    expect(auditTrailHref('sharing_request', 5)).toBe('/admin/audit?object_type=sharing_request&object_id=5');
    expect(auditTrailHref('department', 'A&B')).toBe('/admin/audit?object_type=department&object_id=A%26B');
  });
});

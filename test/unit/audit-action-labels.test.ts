import fs from 'node:fs';
import path from 'node:path';
import { hasKey } from '../../server/i18n';

/**
 * Every action the server writes to the audit log has a name in both languages: the audit page shows
 * it ("重置密码") above the code the filter takes. The actions are read from the source as they are
 * written (`action: 'user.create'`, `recordAndAudit(trx, t, 'ticket.file', …)`, the sharing workflow's
 * `audit(trx, actor, 'sharing.submit', …)`), so a new action without a name fails here.
 */
function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(full) : e.name.endsWith('.ts') ? [full] : [];
  });
}

const ACTION = /^(audit|auth|user|token|catalog|department|check|ticket|tickets|report|reports|scorecards|sharing)\.[a-z_]+$/;

function writtenActions(): string[] {
  const found = new Set<string>();
  const patterns = [
    /\baction: '([a-z_.]+)'/g,
    /\baction: [a-z]+ \? '([a-z_.]+)' : '([a-z_.]+)'/g,
    /recordAndAudit\(\s*\w+,\s*\w+,\s*'([a-z_.]+)'/g,
    /\baudit\(\s*\w+,\s*[\w.!?]+,\s*'([a-z_.]+)'/g,
  ];
  for (const file of sourceFiles(path.join(__dirname, '../../server'))) {
    const text = fs.readFileSync(file, 'utf8');
    if (!/appendAudit|recordAndAudit|\baudit\(/.test(text)) continue;
    for (const pattern of patterns)
      for (const m of text.matchAll(pattern)) for (const a of m.slice(1)) if (a && ACTION.test(a)) found.add(a);
  }
  return [...found].sort();
}

describe('audit actions', () => {
  it('each action written to the audit log is named in Chinese and English', () => {
    const actions = writtenActions();
    // The scan finds them (a broken pattern would make this test pass on nothing).
    expect(actions).toEqual(
      expect.arrayContaining(['auth.login', 'user.disable', 'user.enable', 'ticket.file', 'sharing.submit']),
    );
    expect(actions.length).toBeGreaterThanOrEqual(40);
    expect(actions.filter((a) => !hasKey('zh-CN', `admin.audit.actions.${a}`))).toEqual([]);
    expect(actions.filter((a) => !hasKey('en', `admin.audit.actions.${a}`))).toEqual([]);
  });
});

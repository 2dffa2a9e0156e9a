/**
 * First start on the embedded default (no HUB_DATABASE_URL): a newcomer gets a working product at
 * once — the demo hub, the example catalog, and an account for every role, whose passwords are
 * printed once. Runs only while no catalog has ever been imported, so it happens exactly once; with a
 * real hub nothing is generated and the catalog starts empty.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Runtime } from '../runtime';
import { catalogImported, importCatalog, formatImportProblem } from '../services/catalog/repository';
import { resetDemoHub } from '../services/demo-hub';
import { createLogger } from '../logger';
import type { Role } from '../policies';
import { createUser } from '../services/users';
import { seedDemoActivity, type DemoActivity } from './demo-activity';

export const EXAMPLE_CATALOG_PATH = path.resolve(__dirname, '../services/catalog/examples/university.catalog.yaml');

export interface DemoAccount {
  login: string;
  name: string;
  role: Role;
  department: string;
}

/**
 * One account per role, a steward for every department that owns data in the example catalog, and a
 * second IT-office account: the first and the final review of a sharing request are two people's.
 */
export const DEMO_ACCOUNTS: DemoAccount[] = [
  { login: 'admin', name: '系统管理员', role: 'admin', department: 'ITC' },
  { login: 'itoffice', name: '信息办数据专员', role: 'it_office', department: 'ITC' },
  // A sharing request's final review is another IT-office person's than its first review (seed 000).
  { login: 'itchief', name: '信息办主管领导', role: 'it_office', department: 'ITC' },
  { login: 'leader', name: '信息化主管校领导', role: 'univ_leader', department: 'ITC' },
  { login: 'hr.leader', name: '人事处处长', role: 'dept_leader', department: 'HR' },
  { login: 'hr.steward', name: '人事处信息化专员', role: 'steward', department: 'HR' },
  { login: 'org.steward', name: '组织部信息化专员', role: 'steward', department: 'ORG' },
  { login: 'stu.steward', name: '学生处信息化专员', role: 'steward', department: 'STU' },
  { login: 'aca.steward', name: '教务处信息化专员', role: 'steward', department: 'ACA' },
  { login: 'fin.steward', name: '财务处信息化专员', role: 'steward', department: 'FIN' },
  { login: 'adm.steward', name: '招生就业处信息化专员', role: 'steward', department: 'ADM' },
  { login: 'lib.steward', name: '图书馆信息化专员', role: 'steward', department: 'LIB' },
  { login: 'sci.steward', name: '科技处信息化专员', role: 'steward', department: 'SCI' },
  { login: 'col.steward', name: '学院信息化专员', role: 'steward', department: 'COL' },
  { login: 'aca.user', name: '教务处教师', role: 'user', department: 'ACA' },
  // The demo's data-sharing applicant (server/bootstrap/demo-activity.ts): 学生处 asks other departments for data.
  { login: 'stu.user', name: '学生处教师', role: 'user', department: 'STU' },
];

export interface BootstrapResult {
  /** False when nothing was done (a real hub, or a catalog already exists). */
  ran: boolean;
  accounts: (DemoAccount & { password: string })[];
  /** The demo's error reports and sharing requests (absent when nothing was done). */
  activity?: DemoActivity;
}

/** The accounts as a box of fixed-width ASCII columns (CJK text would break the alignment). */
export function accountsBox(accounts: (DemoAccount & { password: string })[]): string[] {
  const header = { login: 'login', role: 'role', department: 'dept', password: 'password' };
  const rows = [header, ...accounts];
  const width = (k: keyof typeof header) => Math.max(...rows.map((r) => r[k].length));
  const cols = ['login', 'role', 'department', 'password'] as const;
  const line = (r: Record<(typeof cols)[number], string>) => `| ${cols.map((c) => r[c].padEnd(width(c))).join(' | ')} |`;
  const rule = `+${cols.map((c) => '-'.repeat(width(c) + 2)).join('+')}+`;
  return [rule, line(header), rule, ...accounts.map((a) => line(a)), rule];
}

/** Called by `serve` before it listens. On failure the runtime is closed (releasing DATA_DIR) and the error rethrown. */
export async function bootstrapEmbeddedDemo(runtime: Runtime, announce: (line: string) => void): Promise<BootstrapResult> {
  try {
    return await bootstrap(runtime, announce);
  } catch (err) {
    await runtime.close().catch(() => undefined);
    throw err;
  }
}

async function bootstrap(runtime: Runtime, announce: (line: string) => void): Promise<BootstrapResult> {
  const { config, db, hub } = runtime;
  if (config.hubDatabaseUrl || hub.kind !== 'embedded') return { ran: false, accounts: [] };
  if (await catalogImported(db)) return { ran: false, accounts: [] };

  announce('首次启动：正在生成演示数据中台与示例目录… / first start: building the demo hub and the example catalog…');
  await resetDemoHub(hub.knex, { scale: 1 });
  const result = await importCatalog(db, fs.readFileSync(EXAMPLE_CATALOG_PATH, 'utf8'), { hub, origin: { source: 'bootstrap' } });
  if (!result.ok) {
    // The shipped example is tested to import; failing here means a broken build, not a user mistake.
    throw new Error(`example catalog failed to import:\n${result.problems.map((p) => formatImportProblem(p)).join('\n')}`);
  }

  const accounts: (DemoAccount & { password: string })[] = [];
  for (const account of DEMO_ACCOUNTS) {
    // Someone made it by hand first (in any case: `Admin` is taken for `admin`): keep theirs.
    if (await db('users').whereRaw('lower(login) = lower(?)', [account.login]).first('id')) continue;
    const { generatedPassword } = await createUser(db, {
      login: account.login,
      name: account.name,
      department: account.department,
      roles: [account.role],
    });
    accounts.push({ ...account, password: generatedPassword! });
  }
  // Error reports and sharing requests in their stages, acted by the accounts just made (never by one kept).
  const activity = await seedDemoActivity(
    runtime,
    accounts.map((a) => a.login),
    createLogger(config.logLevel),
  );
  announce('');
  announce('演示账号（密码仅显示这一次，请妥善保存）/ Demo accounts (passwords are shown this once):');
  for (const line of accountsBox(accounts)) announce(line);
  announce(
    `演示数据：${activity.reports} 份错误报告、${activity.requests} 份数据共享申请 / demo data: ${activity.reports} error reports, ${activity.requests} sharing requests`,
  );
  for (const note of activity.notes) announce(note);
  announce(`登录 / sign in: ${config.baseUrl}/login`);
  announce('');
  return { ran: true, accounts, activity };
}

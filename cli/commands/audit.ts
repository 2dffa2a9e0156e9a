import type { Command } from '../command';
import { parseAuditAnchor, verifyAuditChain, type AuditProblem } from '../../server/services/audit';
import { EXIT, print } from '../io';
import { cliTranslator } from '../locale';
import { withServiceRuntime } from '../with-runtime';

/** The kinds of damage `verifyAuditChain` names, as the Chinese half of the line says them. */
const PROBLEM_ZH: Record<AuditProblem, string> = {
  edited: '被修改',
  deleted: '被删除',
  reordered: '顺序被改动',
  truncated: '末尾被删除',
};

export const auditVerifyCommand: Command = {
  name: 'audit verify',
  summary: '校验审计日志哈希链 / verify the audit log hash chain',
  usage: 'hubwatch audit verify [--anchor SEQ:HASH]',
  help: {
    zh: [
      '重新计算每一行的哈希；完整时退出码为 0，否则为 1，并指出第一条被修改或删除的行。',
      '输出链首（SEQ:HASH）。从末尾删除若干行后，剩下的仍是有效的链：',
      '请把输出的链首保存在数据库之外（工单、邮件、运维日志），日后用 --anchor 传入。',
    ],
    en: [
      "Recomputes every row's hash; exit 0 when intact, 1 naming the first row edited or deleted.",
      'Prints the head (SEQ:HASH). Rows deleted from the END leave a valid chain: keep the printed head',
      'outside the database (a ticket, an e-mail, the operations log) and pass it as --anchor later.',
    ],
  },
  options: { anchor: { type: 'string' } },
  async run({ values }, io) {
    const anchorText = values.anchor as string | undefined;
    const anchor = anchorText === undefined ? undefined : parseAuditAnchor(anchorText);
    if (anchor === null) {
      print(io.stderr, `--anchor: ${cliTranslator(io)('cli.anchorInvalid', { got: JSON.stringify(anchorText) })}`);
      return EXIT.usage;
    }
    return withServiceRuntime(io, 'audit verify', async ({ db }) => {
      const result = await verifyAuditChain(db, { anchor });
      const head = result.head ? `${result.head.seq}:${result.head.rowHash}` : '0（空）/ 0 (empty)';
      if (result.ok) {
        print(
          io.stdout,
          `审计日志完整 / audit log intact: ${result.checked} 行 / rows${anchor ? `；链首 ${anchor.seq} 仍在 / anchor ${anchor.seq} present` : ''}`,
        );
        print(io.stdout, `链首 / head: ${head}`);
        return EXIT.ok;
      }
      const bad = result.firstBad!;
      print(
        io.stdout,
        `审计日志被篡改 / audit log tampered: 第一处问题在第 ${bad.seq} 行（${PROBLEM_ZH[bad.problem]}）/ first bad row seq ${bad.seq} (${bad.problem}): ${bad.detail}`,
      );
      return EXIT.failed;
    });
  },
};

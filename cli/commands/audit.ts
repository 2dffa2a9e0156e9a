import type { Command } from '../command';
import { parseAuditAnchor, verifyAuditChain } from '../../server/services/audit';
import { EXIT, print } from '../io';
import { cliTranslator } from '../locale';
import { withServiceRuntime } from '../with-runtime';

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
    const t = cliTranslator(io);
    const anchorText = values.anchor as string | undefined;
    const anchor = anchorText === undefined ? undefined : parseAuditAnchor(anchorText);
    if (anchor === null) {
      print(io.stderr, `--anchor: ${t('cli.anchorInvalid', { got: JSON.stringify(anchorText) })}`);
      return EXIT.usage;
    }
    return withServiceRuntime(io, 'audit verify', async ({ db }) => {
      const result = await verifyAuditChain(db, { anchor });
      const head = result.head ? `${result.head.seq}:${result.head.rowHash}` : t('cli.result.audit.emptyHead');
      if (result.ok) {
        const present = anchor ? t('cli.result.audit.anchorPresent', { seq: anchor.seq }) : '';
        print(io.stdout, `${t('cli.result.audit.intact', { rows: result.checked })}${present}`);
        print(io.stdout, t('cli.result.audit.head', { head }));
        return EXIT.ok;
      }
      const bad = result.firstBad!;
      print(
        io.stdout,
        t('cli.result.audit.tampered', {
          seq: bad.seq,
          problem: t(`cli.result.audit.problem.${bad.problem}`),
          detail: t(bad.detail.key, bad.detail.params),
        }),
      );
      return EXIT.failed;
    });
  },
};

import type { Command } from '../command';
import { verifyAuditChain } from '../../server/services/audit';
import { EXIT, print } from '../io';
import { withRuntime } from '../with-runtime';

export const auditVerifyCommand: Command = {
  name: 'audit verify',
  summary: '校验审计日志哈希链 / verify the audit log hash chain',
  usage: 'hubwatch audit verify\n\n  Recomputes every row\'s hash; exit 0 when intact, 1 naming the first row edited or deleted.',
  async run(_args, io) {
    return withRuntime(io, 'audit verify', async ({ db }) => {
      const result = await verifyAuditChain(db);
      if (result.ok) {
        print(io.stdout, `审计日志完整 / audit log intact: ${result.checked} rows`);
        return EXIT.ok;
      }
      const bad = result.firstBad!;
      print(io.stdout, `审计日志被篡改 / audit log tampered: first bad row seq ${bad.seq} (${bad.problem}): ${bad.detail}`);
      return EXIT.failed;
    });
  },
};

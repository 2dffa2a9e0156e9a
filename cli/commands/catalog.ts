import fs from 'node:fs';
import path from 'node:path';
import type { Command } from '../command';
import { decodeCatalogFile } from '../../server/services/catalog/decode';
import { formatProblem } from '../../server/services/catalog/problems';
import { currentCatalogYaml, formatImportProblem, importCatalog } from '../../server/services/catalog/repository';
import { notifierFromConfig } from '../../server/services/notifications';
import { countOf, EXIT, print } from '../io';
import { cliLocale, cliTranslator } from '../locale';
import { commandContext, withRuntime, withServiceRuntime } from '../with-runtime';

export const catalogImportCommand: Command = {
  name: 'catalog import',
  summary: '校验并导入数据目录 / validate and import a catalog file',
  usage: 'hubwatch catalog import FILE [--dry-run] [--strict]',
  help: {
    zh: [
      '先校验整个文件，列出每个问题及其行号和键路径。',
      '有任何错误则不做任何更改，退出码为 2。',
      '数据中台中缺少的表和列是警告（加 --strict 则是错误）。--dry-run 只校验。',
    ],
    en: [
      'Validates the whole file first and prints every problem with its line and key path.',
      'On any error nothing changes and the exit status is 2. Tables and columns missing in the hub',
      'are warnings (errors with --strict). --dry-run validates only.',
    ],
  },
  options: { 'dry-run': { type: 'boolean' }, strict: { type: 'boolean' } },
  allowPositionals: true,
  async run({ values, positionals }, io) {
    const locale = cliLocale(io);
    const t = cliTranslator(io);
    if (positionals.length !== 1) {
      // Named, as the option parser's refusals are: the file missing, or what came after it.
      const extra = positionals.slice(1).join(' ');
      print(io.stderr, positionals.length === 0 ? t('cli.fileMissing') : t('cli.fileExtra', { argument: extra }));
      print(io.stderr, '\n用法 / Usage: hubwatch catalog import FILE [--dry-run] [--strict]');
      return EXIT.usage;
    }
    const file = path.resolve(io.cwd, positionals[0]);
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(file);
    } catch (err) {
      // In words (the system's own said "ENOENT: no such file or directory, open …").
      const code = (err as NodeJS.ErrnoException).code;
      const why =
        code === 'ENOENT'
          ? t('cli.fileNotFound')
          : code === 'EISDIR'
            ? t('cli.fileIsDirectory')
            : code === 'EACCES' || code === 'EPERM'
              ? t('cli.filePermission')
              : (err as Error).message;
      print(io.stderr, `FILE: ${t('cli.fileUnreadable', { file, why })}`);
      return EXIT.usage;
    }
    const decoded = decodeCatalogFile(bytes);
    if (decoded.problem) {
      print(io.stderr, formatProblem(decoded.problem, locale));
      print(io.stderr, locale === 'zh-CN' ? '共 1 个错误，未做任何更改。' : '1 error; nothing changed.');
      return EXIT.usage;
    }
    const text = decoded.text;
    const dryRun = Boolean(values['dry-run']);
    return withRuntime(io, 'catalog import', async (runtime) => {
      const { db, hub } = runtime;
      const ctx = commandContext(runtime, io);
      const result = await importCatalog(db, text, {
        hub,
        strict: Boolean(values.strict),
        dryRun,
        origin: { source: 'cli' },
        notifier: notifierFromConfig(db, ctx.config, ctx.logger),
      });
      for (const problem of result.problems) {
        print(problem.severity === 'error' ? io.stderr : io.stdout, formatImportProblem(problem, locale));
      }
      const errors = result.problems.filter((p) => p.severity === 'error').length;
      if (!result.ok) {
        print(
          io.stderr,
          locale === 'zh-CN' ? `共 ${errors} 个错误，未做任何更改。` : `${countOf(errors, 'error')}; nothing changed.`,
        );
        return EXIT.usage;
      }
      const s = result.summary;
      const counts =
        locale === 'zh-CN'
          ? `${s.departments} 个部门、${s.tables} 张表、${s.fields} 个字段`
          : `${countOf(s.departments, 'department')}, ${countOf(s.tables, 'table')}, ${countOf(s.fields, 'field')}`;
      if (dryRun) {
        print(
          io.stdout,
          locale === 'zh-CN' ? `校验通过（试运行，未更改）：${counts}` : `valid (dry run, nothing changed): ${counts}`,
        );
      } else {
        print(
          io.stdout,
          locale === 'zh-CN'
            ? `已导入目录版本 ${result.versionId}：${counts}`
            : `imported catalog version ${result.versionId}: ${counts}`,
        );
      }
      // The same catalog as the current version: still a new version (README), which the line above did not say.
      if (s.sameAsVersion !== undefined) {
        print(
          io.stdout,
          locale === 'zh-CN'
            ? dryRun
              ? `与当前版本（第 ${s.sameAsVersion} 版）内容相同：导入后仍会照常记为新的一版`
              : `内容与第 ${s.sameAsVersion} 版（导入前的当前版本）相同：仍照常记为新的一版`
            : dryRun
              ? `identical to the current version (${s.sameAsVersion}): importing it still records a new version`
              : `identical to version ${s.sameAsVersion} (the current one before this import): recorded as a new version all the same`,
        );
      }
      if (s.deactivated.length > 0) {
        print(
          io.stdout,
          // A dry run says what an import would do, as for the tickets below (it said "deactivated" of tables it left alone).
          // Each language with its own punctuation: 停用（不再检查）：a、b; deactivated (no longer checked): a, b.
          locale === 'zh-CN'
            ? `${dryRun ? '导入后将停用（不再检查）' : '停用（不再检查）'}：${s.deactivated.join('、')}`
            : `${dryRun ? 'would deactivate (no longer checked)' : 'deactivated (no longer checked)'}: ${s.deactivated.join(', ')}`,
        );
      }
      // Open tickets whose due dates the changed holidays move, counted again with the same number of working days.
      if (s.dueDates && s.dueDates.count > 0) {
        const moves = s.dueDates.examples.map((m) => `#${m.id} ${m.from} → ${m.to}`).join(locale === 'zh-CN' ? '、' : ', ');
        const more = s.dueDates.count > s.dueDates.examples.length ? (locale === 'zh-CN' ? ' 等' : ' and more') : '';
        print(
          io.stdout,
          locale === 'zh-CN'
            ? `节假日或调休上班日有变：${dryRun ? '将按' : '已按'}同样的工作日数重新计算 ${s.dueDates.count} 个未结工单的整改期限：${moves}${more}`
            : `the holidays or make-up working days change: ${dryRun ? 'would count again' : 'counted again'} the due dates of ${countOf(s.dueDates.count, 'open ticket')}, keeping their working days: ${moves}${more}`,
        );
      }
      // What happens to active tickets: moved to a table's or field's new department, closed as no longer checked.
      for (const m of s.tickets?.moved ?? []) {
        print(
          io.stdout,
          locale === 'zh-CN'
            ? `${dryRun ? '将改派' : '已改派'} ${m.count} 个未结工单给新的负责部门 ${m.department}`
            : `${dryRun ? 'would move' : 'moved'} ${countOf(m.count, 'active ticket')} to their new responsible department ${m.department}`,
        );
      }
      if (s.tickets && s.tickets.closed > 0) {
        print(
          io.stdout,
          locale === 'zh-CN'
            ? `${dryRun ? '将关闭' : '已关闭'} ${s.tickets.closed} 个未结工单：数据目录已不再检查此项`
            : `${dryRun ? 'would close' : 'closed'} ${countOf(s.tickets.closed, 'active ticket')}: the catalog no longer checks them`,
        );
      }
      if (s.tickets && s.tickets.duplicates > 0) {
        print(
          io.stdout,
          locale === 'zh-CN'
            ? `${dryRun ? '将关闭' : '已关闭'} ${s.tickets.duplicates} 个重复工单：新的负责部门已有同一检查的未结工单`
            : `${dryRun ? 'would close' : 'closed'} ${countOf(s.tickets.duplicates, 'duplicate ticket')}: the new responsible department already has an active ticket for the same check`,
        );
      }
      return EXIT.ok;
    });
  },
};

export const catalogExportCommand: Command = {
  name: 'catalog export',
  summary: '输出当前数据目录（YAML）/ print the current catalog as YAML',
  usage: 'hubwatch catalog export > catalog.yaml',
  help: { zh: ['输出的内容再导入，得到的是同一份数据目录。'], en: ['The output imports back to the same catalog.'] },
  async run(_args, io) {
    return withServiceRuntime(io, 'catalog export', async ({ db }) => {
      const yaml = await currentCatalogYaml(db);
      if (yaml === null) {
        print(io.stderr, cliTranslator(io)('cli.noCatalog'));
        return EXIT.failed;
      }
      io.stdout.write(yaml);
      return EXIT.ok;
    });
  },
};

import type { Command } from '../command';
import * as dailyDigest from '../../jobs/daily-digest';
import type { DigestProblem } from '../../jobs/daily-digest';
import * as remindAndEscalate from '../../jobs/remind-and-escalate';
import * as reportConfirmations from '../../jobs/report-confirmations';
import * as sharingReminders from '../../jobs/sharing-reminders';
import * as snapshotScorecards from '../../jobs/snapshot-scorecards';
import type { AppContext } from '../../server/context';
import type { MessageParams } from '../../server/errors';
import { Locale, translate, translator } from '../../server/i18n';
import { EXIT, print } from '../io';
import { cliLocale, cliTranslator } from '../locale';
import { commandContext, withRuntime } from '../with-runtime';

/** What a job said, and whether something it did failed (a digest's e-mail: exit 1, so a script or a person sees it). */
type Said = string | { text: string; failed: boolean };

/** What a job did, in the command line's language, with that language's list separator after the counts. */
function inLanguage(locale: Locale, key: string, params: MessageParams, english: MessageParams = {}): string {
  return translate(locale, `jobs.${key}`, locale === 'en' ? { ...params, ...english } : params);
}

/** A list of names as the language writes one: 人事处、教务处 / HR, Academic Affairs. */
function listed(locale: Locale, names: string[]): string {
  return names.join(locale === 'en' ? ', ' : '、');
}

/** The digests not delivered in full, one line per kind of outcome: "not sent, may go again today" or "partly delivered". */
function digestProblemLines(locale: Locale, problems: DigestProblem[]): string[] {
  const t = translator(locale);
  const why = (p: DigestProblem) => t(`cli.result.digestProblem.${p.problem}`);
  const list = (again: boolean) =>
    listed(
      locale,
      problems
        .filter((p) => p.again === again)
        .map((p) => (locale === 'en' ? `${p.department} (${why(p)})` : `${p.department}（${why(p)}）`)),
    );
  const lines: string[] = [];
  if (problems.some((p) => p.again)) lines.push(t('cli.result.digestNotDelivered', { list: list(true) }));
  if (problems.some((p) => !p.again)) lines.push(t('cli.result.digestPartlyDelivered', { list: list(false) }));
  return lines;
}

/**
 * The scheduled jobs, each run once by hand (`hubwatch jobs run NAME`): to try the e-mail set-up with today's digest,
 * or to catch up after the service was down at a job's hour. Each job is safe to run again — a department's digest goes
 * out once a day, a ticket is reminded and escalated once, a day's snapshot is replaced — so running one by hand beside
 * the schedule sends nothing twice. Each says what it did in the command line's language.
 */
const JOBS: Record<string, { summary: string; run: (ctx: AppContext, locale: Locale) => Promise<Said> }> = {
  reminders: {
    summary: '到期提醒与逾期督办（每日 08:30）/ due-date reminders and escalation (daily 08:30)',
    run: async (ctx, locale) => {
      const { reminded, escalated } = await remindAndEscalate.run(ctx);
      return inLanguage(locale, 'reminders.done', { reminded: reminded.length, escalated: escalated.length });
    },
  },
  digest: {
    summary: '各部门的工单日报（每日 08:45）/ each department’s ticket digest (daily 08:45)',
    run: async (ctx, locale) => {
      const { sent, problems, alreadySent } = await dailyDigest.run(ctx);
      const text = [
        inLanguage(
          locale,
          'digest.sent',
          { count: sent.length, list: sent.length ? `：${sent.join('、')}` : '' },
          { list: sent.length ? `: ${sent.join(', ')}` : '' },
        ),
        ...digestProblemLines(locale, problems),
        // Run again the same day (after the 08:45 schedule, to try the e-mail set-up) it said "sent to 0" and no more.
        ...(alreadySent.length ? [translate(locale, 'cli.result.digestAlreadySent', { list: listed(locale, alreadySent) })] : []),
      ].join('\n');
      return { text, failed: problems.some((p) => p.problem !== 'nobody') };
    },
  },
  'report-confirmations': {
    summary:
      '纠错工单 5 个工作日未确认视为已解决（每 15 分钟）/ report tickets resolved by 5 working days of silence (every 15 min)',
    run: async (ctx, locale) => {
      const { resolved } = await reportConfirmations.run(ctx);
      return inLanguage(locale, 'reportConfirmations.done', { count: resolved.length });
    },
  },
  'sharing-reminders': {
    summary:
      '共享审核到期提醒、逾期标记、授权到期提醒（每日 08:40）/ sharing review reminders, overdue flags, expiring grants (daily 08:40)',
    run: async (ctx, locale) => {
      const { reminded, flagged, expiring } = await sharingReminders.run(ctx);
      return inLanguage(locale, 'sharingReminders.done', { reminded, flagged, expiring });
    },
  },
  snapshot: {
    summary: '今天的评分快照（每小时第 15 分钟）/ today’s scorecard snapshot (hourly, at :15)',
    run: async (ctx, locale) => {
      const { day, skipped, departments } = await snapshotScorecards.run(ctx);
      return skipped === 'closed'
        ? translate(locale, 'cli.result.snapshotClosed', { day })
        : inLanguage(locale, 'snapshot.done', { day, count: departments });
    },
  },
};

const NAMES = Object.keys(JOBS);

export const jobsRunCommand: Command = {
  name: 'jobs run',
  summary: '立即运行一个定时任务 / run one scheduled job now',
  usage: 'hubwatch jobs run NAME',
  help: {
    // The jobs first, each in both languages as the commands' summaries are.
    zh: [
      ...Object.entries(JOBS).map(([name, job]) => `${name.padEnd(21)} ${job.summary}`),
      '',
      '按定时计划的方式运行该任务一次，并说明做了什么。与定时计划同时运行也安全：不会重复发送。',
    ],
    en: ['Runs the job once, as its schedule would, and says what it did. Safe beside the schedule: nothing is sent twice.'],
  },
  allowPositionals: true,
  async run({ positionals }, io) {
    const t = cliTranslator(io);
    const [name, ...extra] = positionals;
    // Own keys only: `constructor` or `__proto__` is no job (it opened the databases, then failed inside).
    const known = !!name && Object.prototype.hasOwnProperty.call(JOBS, name);
    if (known && extra.length) {
      print(io.stderr, t('cli.jobExtra', { argument: extra.join(' '), job: name }));
      return EXIT.usage;
    }
    if (!known) {
      const jobs = NAMES.join(', ');
      const said = name ? t('cli.jobUnknown', { job: [name, ...extra].join(' '), jobs }) : t('cli.jobNeeded', { jobs });
      print(io.stderr, `NAME: ${said}`);
      return EXIT.usage;
    }
    return withRuntime(io, `jobs run ${name}`, async (runtime) => {
      const said = await JOBS[name].run(commandContext(runtime, io), cliLocale(io));
      print(io.stdout, typeof said === 'string' ? said : said.text);
      return typeof said !== 'string' && said.failed ? EXIT.failed : EXIT.ok;
    });
  },
};

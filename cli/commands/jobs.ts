import type { Command } from '../command';
import * as dailyDigest from '../../jobs/daily-digest';
import type { DigestProblem } from '../../jobs/daily-digest';
import * as remindAndEscalate from '../../jobs/remind-and-escalate';
import * as reportConfirmations from '../../jobs/report-confirmations';
import * as sharingReminders from '../../jobs/sharing-reminders';
import * as snapshotScorecards from '../../jobs/snapshot-scorecards';
import type { AppContext } from '../../server/context';
import type { MessageParams } from '../../server/errors';
import { translate } from '../../server/i18n';
import { EXIT, print } from '../io';
import { cliTranslator } from '../locale';
import { commandContext, withRuntime } from '../with-runtime';

/** What a job said, and whether something it did failed (a digest's e-mail: exit 1, so a script or a person sees it). */
type Said = string | { text: string; failed: boolean };

/** What a job did, in Chinese then English, each with its own forms of a count ("1 department", "2 departments"). */
function bothLanguages(key: string, params: MessageParams, english: MessageParams = {}): string {
  return `${translate('zh-CN', `jobs.${key}`, params)} / ${translate('en', `jobs.${key}`, { ...params, ...english })}`;
}

const PROBLEM_WORDS: Record<DigestProblem['problem'], [zh: string, en: string]> = {
  nobody: ['无收件人', 'no recipients'],
  email: ['邮件发送失败', 'e-mail failed'],
  webhook: ['机器人推送失败', 'robot failed'],
};

/** The digests not delivered in full, one line per kind of outcome: "not sent, may go again today" or "partly delivered". */
function digestProblemLines(problems: DigestProblem[]): string[] {
  const list = (again: boolean, lang: 0 | 1) =>
    problems
      .filter((p) => p.again === again)
      .map((p) => `${p.department}${lang ? ` (${PROBLEM_WORDS[p.problem][1]})` : `（${PROBLEM_WORDS[p.problem][0]}）`}`)
      .join(lang ? ', ' : '、');
  const lines: string[] = [];
  if (problems.some((p) => p.again))
    lines.push(`未送达，今天可再次发送：${list(true, 0)} / not delivered, may be sent again today: ${list(true, 1)}`);
  if (problems.some((p) => !p.again))
    lines.push(
      `部分未送达（其余渠道已送达，今天不再重发）：${list(false, 0)} / partly delivered (the other channels reached them; not sent again today): ${list(false, 1)}`,
    );
  return lines;
}

/**
 * The scheduled jobs, each run once by hand (`hubwatch jobs run NAME`): to try the e-mail set-up with today's digest,
 * or to catch up after the service was down at a job's hour. Each job is safe to run again — a department's digest goes
 * out once a day, a ticket is reminded and escalated once, a day's snapshot is replaced — so running one by hand beside
 * the schedule sends nothing twice. Each says what it did in both languages.
 */
const JOBS: Record<string, { summary: string; run: (ctx: AppContext) => Promise<Said> }> = {
  reminders: {
    summary: '到期提醒与逾期督办（每日 08:30）/ due-date reminders and escalation (daily 08:30)',
    run: async (ctx) => {
      const { reminded, escalated } = await remindAndEscalate.run(ctx);
      return bothLanguages('reminders.done', { reminded: reminded.length, escalated: escalated.length });
    },
  },
  digest: {
    summary: '各部门的工单日报（每日 08:45）/ each department’s ticket digest (daily 08:45)',
    run: async (ctx) => {
      const { sent, problems, alreadySent } = await dailyDigest.run(ctx);
      const text = [
        bothLanguages(
          'digest.sent',
          { count: sent.length, list: sent.length ? `：${sent.join('、')}` : '' },
          { list: sent.length ? `: ${sent.join(', ')}` : '' },
        ),
        ...digestProblemLines(problems),
        // Run again the same day (after the 08:45 schedule, to try the e-mail set-up) it said "sent to 0" and no more.
        ...(alreadySent.length
          ? [`今天已发送过，不再重发：${alreadySent.join('、')} / already sent today, not sent again: ${alreadySent.join(', ')}`]
          : []),
      ].join('\n');
      return { text, failed: problems.some((p) => p.problem !== 'nobody') };
    },
  },
  'report-confirmations': {
    summary:
      '纠错工单 5 个工作日未确认视为已解决（每 15 分钟）/ report tickets resolved by 5 working days of silence (every 15 min)',
    run: async (ctx) => {
      const { resolved } = await reportConfirmations.run(ctx);
      return bothLanguages('reportConfirmations.done', { count: resolved.length });
    },
  },
  'sharing-reminders': {
    summary:
      '共享审核到期提醒、逾期标记、授权到期提醒（每日 08:40）/ sharing review reminders, overdue flags, expiring grants (daily 08:40)',
    run: async (ctx) => {
      const { reminded, flagged, expiring } = await sharingReminders.run(ctx);
      return bothLanguages('sharingReminders.done', { reminded, flagged, expiring });
    },
  },
  snapshot: {
    summary: '今天的评分快照（每小时第 15 分钟）/ today’s scorecard snapshot (hourly, at :15)',
    run: async (ctx) => {
      const { day, skipped, departments } = await snapshotScorecards.run(ctx);
      return skipped === 'closed'
        ? `${day} 属于已关账的考核周期，快照未改动 / ${day} is in a closed period: its snapshot was left as it is`
        : bothLanguages('snapshot.done', { day, count: departments });
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
      const said = await JOBS[name].run(commandContext(runtime, io));
      print(io.stdout, typeof said === 'string' ? said : said.text);
      return typeof said !== 'string' && said.failed ? EXIT.failed : EXIT.ok;
    });
  },
};

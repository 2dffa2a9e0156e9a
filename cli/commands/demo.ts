import type { Command } from '../command';
import { loadConfig } from '../../server/config';
import { demoDefectsMarkdown, resetDemoHub } from '../../server/services/demo-hub';
import { EXIT, print } from '../io';
import { withRuntime } from '../with-runtime';

/**
 * Hubwatch must never write to a real hub. The demo hub is rebuilt only in the embedded hub, or in a
 * PostgreSQL database whose NAME says it is a demo or test one, and then only when asked explicitly.
 */
export function demoHubRefusal(hubUrl: string | null, confirmed: boolean): string | null {
  if (!hubUrl) return null;
  const url = new URL(hubUrl);
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    return '演示中台只能建在 PostgreSQL 中 / the demo hub can only be built in PostgreSQL (HUB_DATABASE_URL is not postgres://)';
  }
  const name = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!/demo|test/i.test(name)) {
    return `拒绝写入数据库 "${name}"：名称中须含 demo 或 test / refusing to write to database "${name}": its name must contain "demo" or "test"`;
  }
  if (!confirmed) {
    return `HUB_DATABASE_URL 指向外部数据库 "${name}"：确认要覆盖其中的演示表请加 --yes-i-mean-it / HUB_DATABASE_URL points at "${name}": add --yes-i-mean-it to overwrite its demo tables`;
  }
  return null;
}

function positiveInteger(value: unknown, name: string): number | string {
  if (value === undefined) return 1;
  const n = Number(value);
  return Number.isInteger(n) && n >= 1 ? n : `--${name}: 应为正整数 / must be a whole number ≥ 1, got "${String(value)}"`;
}

export const demoResetCommand: Command = {
  name: 'demo reset',
  summary: '重建演示数据中台 / rebuild the demo hub',
  usage: [
    'hubwatch demo reset [--scale N] [--seed S] [--yes-i-mean-it]',
    '',
    '  Rebuilds the demo hub tables for the example catalog, with documented defects dated from today.',
    '  Only the embedded hub, or with --yes-i-mean-it a PostgreSQL HUB_DATABASE_URL whose database name',
    '  contains "demo" or "test". --scale multiplies row counts (benchmarks).',
  ].join('\n'),
  options: { scale: { type: 'string' }, seed: { type: 'string' }, 'yes-i-mean-it': { type: 'boolean' } },
  async run({ values }, io) {
    const scale = positiveInteger(values.scale, 'scale');
    const seed = positiveInteger(values.seed, 'seed');
    for (const bad of [scale, seed]) {
      if (typeof bad === 'string') {
        print(io.stderr, bad);
        return EXIT.usage;
      }
    }
    const config = loadConfig(io.env, io.cwd);
    const refusal = demoHubRefusal(config.hubDatabaseUrl, Boolean(values['yes-i-mean-it']));
    if (refusal) {
      print(io.stderr, refusal);
      return EXIT.usage;
    }
    return withRuntime(
      io,
      'demo reset',
      async ({ hub }) => {
        print(io.stdout, `重建演示中台 / rebuilding the demo hub (${hub.label}), scale ${scale}, seed ${seed} …`);
        const summary = await resetDemoHub(hub.knex, {
          scale: scale as number,
          seed: seed as number,
          onProgress: (step, done, total) => print(io.stdout, `  [${done}/${total}] ${step}`),
        });
        print(io.stdout, '');
        print(io.stdout, demoDefectsMarkdown(summary));
        return EXIT.ok;
      },
      { writableHub: true },
    );
  },
};

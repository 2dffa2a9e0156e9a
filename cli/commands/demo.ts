import type { Command } from '../command';
import { loadConfig } from '../../server/config';
import { demoDefectsMarkdown, resetDemoHub } from '../../server/services/demo-hub';
import type { Translator } from '../../server/i18n';
import { EXIT, print } from '../io';
import { cliTranslator } from '../locale';
import { withRuntime } from '../with-runtime';

/**
 * Hubwatch must never write to a real hub. The demo hub is rebuilt only in the embedded hub, or in a
 * PostgreSQL database whose NAME says it is a demo or test one, and then only when asked explicitly.
 */
export function demoHubRefusal(hubUrl: string | null, confirmed: boolean, t: Translator): string | null {
  if (!hubUrl) return null;
  const url = new URL(hubUrl);
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') return t('cli.demoNotPostgres');
  const name = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!/demo|test/i.test(name)) return t('cli.demoNameRefused', { name });
  if (!confirmed) return t('cli.demoNeedsConfirmation', { name });
  return null;
}

/**
 * The largest `--scale` a reset builds. A PostgreSQL hub: 1000, what the check benchmark builds and measures
 * (bench/checks-hub.ts: 2 M staff; 20 M grades at that scale). The embedded hub (PGlite, WASM, one connection):
 * 100, about 1.6 GB (each scale unit adds ~16 MB; measured: scale 50 in 26 s, 0.8 GB; 200 in 144 s on a loaded
 * 2-vCPU machine, 3.1 GB). PGlite holds more, but every build and check run then takes minutes in one WASM
 * process; a larger demo belongs in a PostgreSQL hub.
 */
export const DEMO_SCALE_MAX = { postgres: 1000, embedded: 100 } as const;

function positiveInteger(value: unknown, name: string, t: Translator): number | string {
  if (value === undefined) return 1;
  const n = Number(value);
  return Number.isInteger(n) && n >= 1 ? n : `--${name}: ${t('cli.positiveInteger', { got: String(value) })}`;
}

/** Why `scale` is too large for the hub (null: it is not), before anything is opened. */
export function demoScaleRefusal(scale: number, hubUrl: string | null, t: Translator): string | null {
  const max = hubUrl ? DEMO_SCALE_MAX.postgres : DEMO_SCALE_MAX.embedded;
  if (scale <= max) return null;
  return `--scale: ${
    hubUrl
      ? t('cli.demoScalePostgres', { max, scale })
      : t('cli.demoScaleEmbedded', { max, scale, postgresMax: DEMO_SCALE_MAX.postgres })
  }`;
}

export const demoResetCommand: Command = {
  name: 'demo reset',
  summary: '重建演示数据中台 / rebuild the demo hub',
  usage: 'hubwatch demo reset [--scale N] [--seed S] [--yes-i-mean-it]',
  help: {
    zh: [
      '按示例数据目录重建演示数据中台的表，带有文档所列的缺陷（日期从今天算起）。',
      '只重建内嵌的数据中台；或加 --yes-i-mean-it，重建数据库名含 "demo" 或 "test" 的 PostgreSQL HUB_DATABASE_URL。',
      `--scale 按倍数放大行数（用于基准测试）：内嵌数据中台至多 ${DEMO_SCALE_MAX.embedded}，PostgreSQL 至多 ${DEMO_SCALE_MAX.postgres}。`,
    ],
    en: [
      'Rebuilds the demo hub tables for the example catalog, with documented defects dated from today.',
      'Only the embedded hub, or with --yes-i-mean-it a PostgreSQL HUB_DATABASE_URL whose database name',
      'contains "demo" or "test". --scale multiplies row counts (benchmarks): at most',
      `${DEMO_SCALE_MAX.embedded} for the embedded hub, ${DEMO_SCALE_MAX.postgres} for a PostgreSQL one.`,
    ],
  },
  options: { scale: { type: 'string' }, seed: { type: 'string' }, 'yes-i-mean-it': { type: 'boolean' } },
  async run({ values }, io) {
    const t = cliTranslator(io);
    const scale = positiveInteger(values.scale, 'scale', t);
    const seed = positiveInteger(values.seed, 'seed', t);
    for (const bad of [scale, seed]) {
      if (typeof bad === 'string') {
        print(io.stderr, bad);
        return EXIT.usage;
      }
    }
    const config = loadConfig(io.env, io.cwd);
    const refusal =
      demoHubRefusal(config.hubDatabaseUrl, Boolean(values['yes-i-mean-it']), t) ??
      demoScaleRefusal(scale as number, config.hubDatabaseUrl, t);
    if (refusal) {
      print(io.stderr, refusal);
      return EXIT.usage;
    }
    return withRuntime(
      io,
      'demo reset',
      async ({ hub }) => {
        print(
          io.stdout,
          `重建演示中台（${hub.label}，规模 ${scale}，随机种子 ${seed}）/ rebuilding the demo hub (${hub.label}), scale ${scale}, seed ${seed} …`,
        );
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

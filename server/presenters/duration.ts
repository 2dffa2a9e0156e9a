import type { Translator } from '../i18n';

/**
 * A duration as people read it: "820 ms" under a second, "12.3 s" under a minute, "2 min 24 s" beyond (zh-CN:
 * 820 毫秒, 12.3 秒, 2 分 24 秒). Run pages used to print every duration in milliseconds ("144,235 ms").
 */
export function elapsedText(t: Translator, ms: number | null | undefined): string {
  if (ms == null || !Number.isFinite(Number(ms)) || Number(ms) < 0) return '—';
  const value = Number(ms);
  if (value < 1000) return t('common.duration.ms', { ms: Math.round(value) });
  // Tenths below a minute, rounded down so 59,990 ms reads 59.9 s, never "60.0 s".
  if (value < 60_000) return t('common.duration.seconds', { s: (Math.floor(value / 100) / 10).toFixed(1) });
  const totalSeconds = Math.floor(value / 1000);
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  if (hours > 0) return t('common.duration.hoursMinutes', { h: hours, min: minutes });
  return t('common.duration.minutesSeconds', { min: minutes, s: seconds });
}

/**
 * A run's duration in seconds on the runs chart, read as elapsedText reads it in the table beside it: whole
 * milliseconds under a second (788 ms is 0.788: tenths rounded down plotted it at 0.7, and 81 ms at 0), tenths rounded
 * down from a second on (1,290 ms is 1.2 in both). Null where the table shows —.
 */
export function chartSeconds(ms: number | null | undefined): number | null {
  if (ms == null || !Number.isFinite(Number(ms)) || Number(ms) < 0) return null;
  const value = Number(ms);
  return value < 1000 ? Math.round(value) / 1000 : Math.floor(value / 100) / 10;
}

import type { XAxisMode } from '../../src/protocol/compare';

/** Seconds as `45s`, `12m 05s`, `3h 20m`. */
export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  const sign = s < 0 ? '-' : '';
  const a = Math.abs(s);
  if (a < 60) return `${sign}${a}s`;
  if (a < 3600) return `${sign}${Math.floor(a / 60)}m ${String(a % 60).padStart(2, '0')}s`;
  return `${sign}${Math.floor(a / 3600)}h ${String(Math.floor((a % 3600) / 60)).padStart(2, '0')}m`;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** Clock time; with the date when the visible span is longer than a day. */
export function formatWall(ms: number, spanMs = 0): string {
  const d = new Date(ms);
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  return spanMs > 86_400_000 ? `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${time}` : time;
}

/** Compact step numbers: 12, 1.5k, 2M. */
export function formatStep(step: number): string {
  const a = Math.abs(step);
  if (a >= 1e6) return `${+(step / 1e6).toFixed(2)}M`;
  if (a >= 1e4) return `${+(step / 1e3).toFixed(1)}k`;
  return String(+step.toFixed(2));
}

/** Tick and tooltip text of an x value in the given mode. */
export function formatX(mode: XAxisMode, x: number, spanMs = 0): string {
  if (mode === 'step') return formatStep(x);
  if (mode === 'relative') return formatDuration(x);
  return formatWall(x, spanMs);
}

export const X_AXIS_TITLES: Readonly<Record<XAxisMode, string>> = { step: 'step', relative: 'time since start', wall: 'wall time' };

/** Axis tick numbers: short and without trailing zeros (tooltips keep full formatMetric precision). */
export function formatTick(v: number): string {
  if (!Number.isFinite(v)) return '';
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e5 || a < 1e-3)) return v.toExponential(1).replace('.0e', 'e');
  return String(+v.toFixed(4));
}

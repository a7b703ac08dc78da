import type { ComparePageState, XAxisMode } from '../../protocol/compare';

export const DEFAULT_PAGE_STATE: ComparePageState = {
  runIds: [],
  xAxis: 'step',
  smoothing: 0,
  logScale: false,
  onlyDiffers: false,
  hiddenRunIds: [],
  collapsed: [],
};

const X_MODES: readonly XAxisMode[] = ['step', 'relative', 'wall'];
/** Run ids are 32 lowercase hex characters (store/ids.ts). */
const RUN_ID = /^[0-9a-f]{32}$/;

function strings(v: unknown, ok: (s: string) => boolean = () => true): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && ok(x)) : [];
}

/**
 * The page state from `getState()` or a restored panel, checked field by
 * field: it is whatever an earlier version of the page saved, so anything
 * unknown falls back to the default instead of breaking the panel.
 */
export function sanitizePageState(raw: unknown): ComparePageState {
  const s = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const d = DEFAULT_PAGE_STATE;
  const smoothing = typeof s.smoothing === 'number' && Number.isFinite(s.smoothing) ? Math.min(0.999, Math.max(0, s.smoothing)) : d.smoothing;
  const optional = (k: 'scatterX' | 'scatterY' | 'parallelMetric') => (typeof s[k] === 'string' ? { [k]: s[k] as string } : {});
  return {
    runIds: [...new Set(strings(s.runIds, (x) => RUN_ID.test(x)))].slice(0, 500),
    xAxis: X_MODES.includes(s.xAxis as XAxisMode) ? (s.xAxis as XAxisMode) : d.xAxis,
    smoothing,
    logScale: typeof s.logScale === 'boolean' ? s.logScale : d.logScale,
    onlyDiffers: typeof s.onlyDiffers === 'boolean' ? s.onlyDiffers : d.onlyDiffers,
    hiddenRunIds: strings(s.hiddenRunIds),
    collapsed: strings(s.collapsed),
    ...optional('scatterX'),
    ...optional('scatterY'),
    ...optional('parallelMetric'),
  };
}

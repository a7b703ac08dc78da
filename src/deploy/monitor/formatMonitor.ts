import type { MonitorReport } from './monitorSample';

const dash = '—';

function num(v: number | null, digits: number, unit = ''): string {
  return v === null ? dash : `${v.toFixed(digits)}${unit}`;
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)];
}

/** The terminal view of one monitoring sample: traffic, latency, then drift per feature and the warnings. */
export function formatMonitorReport(r: MonitorReport): string {
  const f = r.figures;
  const out: string[] = [];
  const model = f.model ? ` · run ${f.model.runId.slice(0, 8)} (${f.model.task}, ${f.model.modelType})` : '';
  out.push(`${r.url}${model} · baseline ${r.baseline.label}${r.baseline.dataset ? ` (${r.baseline.dataset})` : ''}`);
  out.push(`${new Date(r.at).toISOString().slice(0, 19).replace('T', ' ')} UTC · last ${f.seconds.toFixed(1)} s`
    + ` · ${f.totalRequests} request${f.totalRequests === 1 ? '' : 's'} since start${f.uptimeSeconds !== null ? ` (up ${Math.round(f.uptimeSeconds)} s)` : ''}`);
  out.push('');
  out.push(...table(['requests/s', 'error rate', 'p50', 'p95', 'p99'], [[
    num(f.requestsPerSecond, 1),
    f.errorRate === null ? dash : `${(f.errorRate * 100).toFixed(1)}%`,
    num(f.latencyMs.p50, 1, ' ms'), num(f.latencyMs.p95, 1, ' ms'), num(f.latencyMs.p99, 1, ' ms'),
  ]]));
  out.push('');
  if (r.drift) {
    const d = r.drift;
    out.push(`input drift: ${d.rows} live row${d.rows === 1 ? '' : 's'} from ${d.requests} request${d.requests === 1 ? '' : 's'} vs the training data · overall ${d.verdict}`);
    out.push(...table(['feature', 'type', 'live', 'missing', 'PSI', 'verdict', 'note'], d.features.map((x) => [
      x.feature, x.type, String(x.live), String(x.missing),
      x.psi ? x.psi.value.toFixed(3) : dash, x.psi ? x.psi.verdict : dash, x.note ?? '',
    ])).map((l) => `  ${l}`));
  } else {
    out.push(`input drift: ${r.driftNote ?? 'not available'}`);
  }
  if (r.warnings.length) {
    out.push('');
    for (const w of r.warnings) out.push(`warning: ${w}`);
  }
  return `${out.join('\n')}\n`;
}

/**
 * The Deploy panel's Monitor section: while the chosen version has a running
 * local deployment, scrape its `/metrics` every few seconds and compare its
 * request log's recent inputs with the training dataset's fingerprint (the
 * monitor core that `runlens monitor` prints). No vscode import.
 */
import { MonitorError, monitorBaseline, monitorReport, scrape } from '../../deploy/monitor/monitorSample';
import type { MonitorBaseline } from '../../deploy/monitor/monitorSample';
import type { Scrape } from '../../deploy/monitor/serveFigures';
import { resolveModel } from '../../deploy/registry/resolveModel';
import type { HostToPage, MonitorView } from '../../protocol/deploy';
import type { RunStore } from '../../store/runStore';
import { monitorViewOf } from './deployState';

export interface MonitorSessionOptions {
  readonly folder: () => { readonly store: RunStore | undefined } | undefined;
  /** The chosen version (`name:version`). */
  readonly selected: () => string | null;
  /** Scrape only while the page is there to show it. */
  readonly active: () => boolean;
  readonly post: (m: HostToPage) => void;
  readonly log: (message: string) => void;
  readonly intervalMs?: number;
}

export const MONITOR_INTERVAL_MS = 3000;

export class MonitorSession {
  view: MonitorView | null = null;
  note: string | null = null;
  private previous: { url: string; scrape: Scrape } | undefined;
  private baseline: { ref: string; baseline: MonitorBaseline; canRetrain: boolean } | undefined;
  private readonly timer: NodeJS.Timeout;
  private busy = false;

  constructor(private readonly options: MonitorSessionOptions) {
    this.timer = setInterval(() => void this.tick(), options.intervalMs ?? MONITOR_INTERVAL_MS);
  }

  /** Another version was chosen, or a server started: start over from one scrape. */
  reset(): void {
    this.previous = undefined;
    this.view = null;
    this.note = null;
  }

  /** Ticks now rather than at the next interval; resolves when that tick is done. */
  kick(): Promise<void> {
    return this.tick();
  }

  private publish(view: MonitorView | null, note: string | null): void {
    if (view === null && this.view === null && note === this.note) return;
    this.view = view;
    this.note = note;
    this.options.post({ type: 'monitor', monitor: view, note });
  }

  private async tick(): Promise<void> {
    if (this.busy || !this.options.active()) return;
    const ref = this.options.selected();
    const store = this.options.folder()?.store;
    if (!ref || !store) return;
    this.busy = true;
    try {
      const m = /^(.+):(\d+)$/.exec(ref);
      if (!m) return;
      const [name, version] = [m[1]!, Number(m[2])];
      const deployment = store.registry.listDeployments(name, version).find((d) => d.stoppedAt === null);
      if (!deployment) {
        this.previous = undefined;
        this.publish(null, `${name} v${version} is not being served. Serve it locally to watch its traffic and input drift.`);
        return;
      }
      if (this.baseline?.ref !== ref) {
        const resolved = resolveModel(store, ref);
        this.baseline = { ref, baseline: monitorBaseline(store, resolved.label, resolved), canRetrain: resolved.configPath !== null };
      }
      const next = await scrape(deployment.url);
      const prev = this.previous?.url === deployment.url ? this.previous.scrape : undefined;
      this.previous = { url: deployment.url, scrape: next };
      if (!prev) {
        if (!this.view) this.publish(null, `collecting from ${deployment.url}…`);
        return;
      }
      if (this.options.selected() !== ref) return;
      const report = monitorReport(prev, next, {
        url: deployment.url,
        baseline: this.baseline.baseline,
        ...(deployment.requestLog ? { requestLog: deployment.requestLog } : {}),
      });
      this.publish(monitorViewOf(ref, report, this.baseline.canRetrain), null);
    } catch (e) {
      const message = e instanceof MonitorError ? e.message : `monitoring failed: ${(e as Error).message}`;
      if (!(e instanceof MonitorError)) this.options.log(`deploy monitor: ${(e as Error).stack ?? e}`);
      this.previous = undefined;
      this.publish(null, message.split('\n')[0]!);
    } finally {
      this.busy = false;
    }
  }

  dispose(): void {
    clearInterval(this.timer);
  }
}

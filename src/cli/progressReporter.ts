import type { WorkerMessage } from '../worker/protocol';
import { formatDuration, formatNumber } from './table';
import { printable } from './terminalText';

/**
 * Turns worker progress into lines on stderr: redrawn in place on a
 * terminal, one line per phase and at most one per 2 s otherwise (CI logs).
 * `write` takes bytes as they are (ctx.raw.err): the redraw is the
 * reporter's own control sequence, and the line's text (run name, metric
 * keys, messages) is escaped here.
 */
export class ProgressReporter {
  private readonly started = Date.now();
  private lastPrint = 0;
  private label = '';
  private lastLine = '';

  constructor(
    private readonly write: (text: string) => void,
    private readonly interactive: boolean,
    private readonly now: () => number = Date.now,
  ) {}

  handle(message: WorkerMessage): void {
    switch (message.type) {
      case 'started':
        this.label = `${message.experiment} · ${message.runName}`;
        this.print(`${this.label}: started (run ${message.runId.slice(0, 8)})`, true);
        break;
      case 'progress': {
        const elapsed = this.now() - this.started;
        const parts = [`${this.label}: ${message.phase}`];
        if (message.step !== undefined) parts.push(message.total ? `${message.step}/${message.total}` : `step ${message.step}`);
        for (const [k, v] of Object.entries(message.metrics ?? {})) parts.push(`${k} ${formatNumber(v)}`);
        if (message.message) parts.push(message.message);
        parts.push(`elapsed ${formatDuration(elapsed)}`);
        if (message.step && message.total && message.step < message.total) {
          parts.push(`ETA ${formatDuration((elapsed / message.step) * (message.total - message.step))}`);
        }
        this.print(parts.join('  '), message.step === undefined);
        break;
      }
      case 'finished':
      case 'failed':
        this.clear();
        break;
    }
  }

  private print(text: string, always: boolean): void {
    const line = printable(text);
    const now = this.now();
    if (this.interactive) {
      this.write(`\r\x1b[2K${line}`);
      this.lastLine = line;
      return;
    }
    if (!always && now - this.lastPrint < 2000) return;
    this.lastPrint = now;
    this.write(`${line}\n`);
  }

  clear(): void {
    if (this.interactive && this.lastLine) this.write('\r\x1b[2K');
    this.lastLine = '';
  }
}

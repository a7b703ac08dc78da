import * as vscode from 'vscode';

/** The `RunLens` Output channel: run output and RunLens's own log lines. */
export class Logger implements vscode.Disposable {
  readonly channel: vscode.LogOutputChannel;

  constructor() {
    this.channel = vscode.window.createOutputChannel('RunLens', { log: true });
  }

  info(message: string): void {
    this.channel.info(message);
  }

  warn(message: string): void {
    this.channel.warn(message);
  }

  error(message: string, error?: unknown): void {
    const detail = error instanceof Error ? `${error.message}${error.stack ? `\n${error.stack}` : ''}` : error === undefined ? '' : String(error);
    this.channel.error(detail ? `${message}: ${detail}` : message);
  }

  /** Raw output of a trainer process, line by line. */
  output(prefix: string, text: string): void {
    for (const line of text.split(/\r?\n/)) if (line.length > 0) this.channel.info(`[${prefix}] ${line}`);
  }

  show(): void {
    this.channel.show(true);
  }

  dispose(): void {
    this.channel.dispose();
  }
}

import * as vscode from 'vscode';

const KEY = 'runlens.runsView';

interface Saved {
  readonly filter?: string;
  readonly sort?: string;
  readonly starredOnly?: boolean;
}

/**
 * Filter, sort and "starred only" of the Runs view, remembered per workspace
 * and mirrored into context keys for the view's when-clauses.
 */
export class RunsViewState implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.emitter.event;
  private saved: Saved;

  constructor(private readonly memento: vscode.Memento) {
    this.saved = memento.get<Saved>(KEY, {});
    this.updateContext();
  }

  get filter(): string {
    return this.saved.filter ?? '';
  }

  get sort(): string {
    return this.saved.sort ?? '';
  }

  get starredOnly(): boolean {
    return this.saved.starredOnly ?? false;
  }

  async update(change: Saved): Promise<void> {
    this.saved = { ...this.saved, ...change };
    await this.memento.update(KEY, this.saved);
    this.updateContext();
    this.emitter.fire();
  }

  private updateContext(): void {
    void vscode.commands.executeCommand('setContext', 'runlens.filtered', Boolean(this.filter) || this.starredOnly);
  }

  dispose(): void {
    this.emitter.dispose();
  }
}

import * as vscode from 'vscode';
import { basename, dirname } from 'node:path';
import type { ConfigDiagnostic } from '../../core/config/configDiagnostic';
import type * as ConfigModule from '../../core/config/parseConfig';
import type * as RunlensFileModule from '../../core/compute/runlensFile';
import type * as LoadProfilesModule from '../../compute/profiles/loadProfiles';
import type { ComputeProfile } from '../../core/compute/computeProfile';

function loadParser(): typeof ConfigModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('../../core/config/parseConfig') as typeof ConfigModule;
}

function loadRunlensFile(): typeof RunlensFileModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('../../core/compute/runlensFile') as typeof RunlensFileModule;
}

function loadProfiles(): typeof LoadProfilesModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('../../compute/profiles/loadProfiles') as typeof LoadProfilesModule;
}

/** `runlens.yaml` at the root of a workspace folder (the one RunLens reads its profiles from). */
export function isRunlensFile(document: vscode.TextDocument): boolean {
  if (document.uri.scheme !== 'file' || basename(document.uri.fsPath) !== 'runlens.yaml') return false;
  return vscode.workspace.getWorkspaceFolder(document.uri)?.uri.fsPath === dirname(document.uri.fsPath);
}

/** Where a config's `compute: NAME` is looked up, so an unknown name is a squiggle too. */
export interface ComputeProfileLookup {
  readonly profilesFor: (uri: vscode.Uri) => { readonly profiles: ReadonlyMap<string, ComputeProfile>; readonly invalid?: ReadonlyMap<string, readonly string[]> };
  /** Fires when runlens.yaml or the runlens.compute setting changed: configs are checked again. */
  readonly onDidChangeProfiles: vscode.Event<void>;
}

/** Converts a config diagnostic (1-based, end exclusive) to an editor range. */
export function toRange(d: ConfigDiagnostic, document: vscode.TextDocument): vscode.Range {
  if (d.line <= 0) return new vscode.Range(0, 0, 0, document.lineAt(0).text.length);
  const start = new vscode.Position(d.line - 1, Math.max(0, d.column - 1));
  const end = d.endLine > 0 ? new vscode.Position(d.endLine - 1, Math.max(0, d.endColumn - 1)) : start;
  return new vscode.Range(start, end.isBefore(start) ? start : end);
}

/**
 * RunLens's own diagnostics on training configs (schema errors, unknown model
 * types, bad params, missing data files with the path looked for, an unknown
 * compute profile) and on `runlens.yaml`, so a typo is a squiggle even
 * without the YAML extension installed.
 */
export class ConfigDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('runlens');
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly isConfig: (document: vscode.TextDocument) => boolean,
    private readonly compute?: ComputeProfileLookup,
  ) {
    if (compute) this.disposables.push(compute.onDidChangeProfiles(() => this.recheckAll()));
    this.disposables.push(
      this.collection,
      vscode.workspace.onDidOpenTextDocument((d) => this.schedule(d, 0)),
      vscode.workspace.onDidChangeTextDocument((e) => this.schedule(e.document, 250)),
      vscode.workspace.onDidCloseTextDocument((d) => this.collection.delete(d.uri)),
      vscode.workspace.onDidCreateFiles(() => this.recheckAll()),
      vscode.workspace.onDidDeleteFiles(() => this.recheckAll()),
    );
    this.recheckAll();
  }

  recheckAll(): void {
    for (const d of vscode.workspace.textDocuments) this.schedule(d, 0);
  }

  private schedule(document: vscode.TextDocument, delay: number): void {
    if (!this.isConfig(document) && !isRunlensFile(document)) return;
    const key = document.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(key, setTimeout(() => {
      this.timers.delete(key);
      this.check(document);
    }, delay));
  }

  /** Diagnostics for one document, also used by tests. */
  check(document: vscode.TextDocument): readonly vscode.Diagnostic[] {
    const found = isRunlensFile(document) ? [...loadRunlensFile().parseRunlensFileText(document.getText()).diagnostics] : this.configDiagnostics(document);
    const diagnostics = found.map((d) => {
      const diag = new vscode.Diagnostic(toRange(d, document), d.message, d.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning);
      diag.source = 'RunLens';
      return diag;
    });
    this.collection.set(document.uri, diagnostics);
    return diagnostics;
  }

  private configDiagnostics(document: vscode.TextDocument): ConfigDiagnostic[] {
    const { parseConfigText, checkDataFiles } = loadParser();
    const parsed = parseConfigText(document.getText(), document.fileName);
    const found = [...parsed.diagnostics];
    if (parsed.config && document.uri.scheme === 'file') {
      found.push(...checkDataFiles(parsed.config, dirname(document.uri.fsPath), undefined, parsed.locate));
    }
    if (typeof parsed.config?.compute === 'string' && this.compute) {
      try {
        const { profiles, invalid } = this.compute.profilesFor(document.uri);
        loadProfiles().resolveComputeProfile({ profiles, invalid, configCompute: parsed.config.compute, locate: parsed.locate });
      } catch (e) {
        // A warning: the name may be on its way into runlens.yaml, and "Train this" still trains here.
        if (!(e instanceof loadParser().ConfigError)) throw e;
        found.push(...e.diagnostics.map((d) => ({ ...d, severity: 'warning' as const })));
      }
    }
    return found;
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    for (const d of this.disposables) d.dispose();
  }
}

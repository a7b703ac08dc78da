import * as vscode from 'vscode';
import { join } from 'node:path';
import type { ContainerCliName } from '../../deploy/build/containerCli';
import { buildModelImage } from '../../deploy/build/imageBuild';
import { parseImageReference } from '../../protocol/imageReference';
import { formatStep } from '../../deploy/build/buildSteps';
import { resolveModel } from '../../deploy/registry/resolveModel';
import type { BuildView, HostToPage } from '../../protocol/deploy';
import type { FolderStore } from '../store/workspaceStores';
import { IDLE_BUILD, appendCapped, buildViewOf } from '../../views/deploy/deployState';

export interface BuildSessionOptions {
  readonly post: (m: HostToPage) => void;
  readonly log: (message: string) => void;
  readonly refreshStores: () => void;
}

export interface BuildRequest {
  readonly tag: string;
  readonly baseImage: string;
  readonly contextOnly: boolean;
  readonly cli: ContainerCliName | 'auto';
  readonly extraArgs: readonly string[];
}

/** Log lines reach the page at most this often, batched (a build can print thousands of lines a second). */
const LOG_FLUSH_MS = 100;

/**
 * One build at a time for the Deploy panel, in the extension host: the
 * build core (`buildModelImage`: context, CLI detection, the CLI as an async
 * child process with an argument array) inside a cancellable progress
 * notification, its output streamed to the page in batches and kept capped.
 */
export class BuildSession implements vscode.Disposable {
  view: BuildView = IDLE_BUILD;
  readonly lines: string[] = [];
  private pending: string[] = [];
  private flushTimer: NodeJS.Timeout | undefined;
  private abort: AbortController | undefined;

  constructor(private readonly options: BuildSessionOptions) {}

  get running(): boolean {
    return this.abort !== undefined;
  }

  cancel(): void {
    this.abort?.abort();
  }

  async run(folder: FolderStore & { readonly store: NonNullable<FolderStore['store']> }, ref: string, req: BuildRequest): Promise<void> {
    if (this.abort) throw new Error('a build is already running; cancel it first');
    const tag = req.tag.trim();
    // The same checks the CLI makes, before anything is written; the message names the character or part at fault.
    if (tag) parseImageReference(tag);
    parseImageReference(req.baseImage.trim(), { allowDigest: true });
    const model = resolveModel(folder.store, ref);
    const abort = new AbortController();
    this.abort = abort;
    this.lines.length = 0;
    this.pending = [];
    this.view = { ...IDLE_BUILD, phase: 'running', ref, tag: tag || null };
    this.options.post({ type: 'build', build: this.view });
    const say = (line: string): void => this.line(line);
    try {
      const result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `RunLens: ${req.contextOnly ? 'writing the build context of' : 'building'} ${model.label}`, cancellable: !req.contextOnly },
        async (progress, token) => {
          const sub = token.onCancellationRequested(() => abort.abort());
          try {
            return await buildModelImage(folder.store, model, {
              buildsDir: join(folder.dir, 'builds'),
              workspaceDir: folder.folder.uri.fsPath,
              ...(tag ? { tag } : {}),
              baseImage: req.baseImage.trim(),
              cli: req.cli,
              extraArgs: req.extraArgs,
              env: process.env,
              contextOnly: req.contextOnly,
              signal: abort.signal,
              onContext: (c) => {
                say(`build context: ${c.dir} (${(c.runtimeBytes / 1024).toFixed(0)} KiB of runtime files)`);
                this.view = { ...this.view, tag: c.tag, contextDir: c.dir };
                this.options.post({ type: 'build', build: this.view });
              },
              onCli: (d, command) => {
                for (const r of d.rejected) say(`skipped ${r.cli}: ${r.reason}`);
                if (d.cli) say(`$ ${command}`);
              },
              onLine: say,
              onStep: (step) => progress.report({ message: formatStep(step) }),
            });
          } finally {
            sub.dispose();
          }
        },
      );
      this.view = buildViewOf(ref, result);
      const d = this.view;
      this.options.log(`build of ${model.label}: ${d.phase}${d.imageId ? ` ${d.imageId}` : ''}${d.error ? ` (${d.error})` : ''}`);
    } catch (e) {
      // A usage error found before the build ran (bad tag, unknown version): the view says why.
      this.view = { ...this.view, phase: 'failed', error: (e as Error).message.split('\n')[0]! };
      throw e;
    } finally {
      this.abort = undefined;
      this.flush();
      this.options.post({ type: 'build', build: this.view });
      this.options.refreshStores();
    }
  }

  private line(line: string): void {
    this.pending.push(line);
    this.flushTimer ??= setTimeout(() => this.flush(), LOG_FLUSH_MS);
  }

  private flush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    appendCapped(this.lines, batch);
    this.options.post({ type: 'buildLog', lines: batch });
  }

  dispose(): void {
    this.abort?.abort();
    if (this.flushTimer) clearTimeout(this.flushTimer);
  }
}

/**
 * A notebook executed cell by cell in a real Jupyter kernel, for the notebook tests: notebookDriver.py
 * (nbclient + ipykernel under Debian's python3) in a child process, its JSON events read line by line, the
 * next step sent on its stdin. The kernel imports the helper that ships with RunLens (python/ on PYTHONPATH).
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { HELPER_DIR, PYTHON } from './pythonHelperProcess';

const DRIVER = path.join(import.meta.dirname ?? __dirname, 'notebookDriver.py');

/** Whether Debian's python3 can run a kernel and drive it (scripts/install-notebook-deps.sh installs them). */
export const hasJupyter = spawnSync(PYTHON, ['-c', 'import ipykernel, jupyter_client, nbclient, nbformat'], { stdio: 'ignore' }).status === 0;

/** One line the driver printed. */
export type DriverEvent =
  | { event: 'started'; pid: number }
  | { event: 'cell'; index: number; outputs: NotebookOutput[] }
  | { event: 'error'; index: number; message: string }
  | { event: 'killed'; pid: number }
  | { event: 'done' }
  | { event: 'shutdown'; exitcode: number | null };

/** A cell output as nbformat writes it (the fields the tests read). */
export interface NotebookOutput {
  readonly output_type: string;
  readonly text?: string;
  readonly data?: Readonly<Record<string, string>>;
  /** The exception's class name, on an `error` output. */
  readonly ename?: string;
}

export interface NotebookKernelOptions {
  /** The kernel's working directory. */
  readonly cwd: string;
  /** Set `__vsc_ipynb_file__` before the first cell, as VS Code's Jupyter does. */
  readonly vscode?: boolean;
  /** Wait for `next()`/`kill()`/`shutdown()` after each code cell. */
  readonly step?: boolean;
  /** A cell that raises is a `cell` event with an `error` output, as in an interactive session (else an `error` event ends the run). */
  readonly allowErrors?: boolean;
  readonly env?: Readonly<Record<string, string>>;
}

/** A running driver; `events()` yields what it prints, in order. */
export class NotebookKernel {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly queue: DriverEvent[] = [];
  private waiting: ((e: DriverEvent | undefined) => void) | undefined;
  private ended = false;
  /** The kernel's pid, once the driver said it started. */
  kernelPid: number | undefined;
  stderr = '';

  constructor(notebook: string, opts: NotebookKernelOptions) {
    const args = [DRIVER, notebook, '--cwd', opts.cwd, ...(opts.vscode ? ['--vscode'] : []), ...(opts.step ? ['--step'] : []), ...(opts.allowErrors ? ['--allow-errors'] : [])];
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PYTHONPATH: HELPER_DIR,
      PYTHONDONTWRITEBYTECODE: '1',
      // debugpy's warning about frozen modules, printed by every kernel start
      PYDEVD_DISABLE_FILE_VALIDATION: '1',
      ...opts.env,
    };
    delete env.RUNLENS_RUN_ID;
    if (!opts.env?.RUNLENS_STORE) delete env.RUNLENS_STORE;
    this.child = spawn(PYTHON, args, { cwd: opts.cwd, env });
    this.child.stderr.on('data', (d: Buffer) => (this.stderr += d.toString()));
    createInterface({ input: this.child.stdout }).on('line', (line) => {
      let event: DriverEvent;
      try {
        event = JSON.parse(line) as DriverEvent;
      } catch {
        return; // a kernel's stray print is not an event
      }
      this.push(event);
    });
    this.child.on('close', () => {
      this.ended = true;
      this.push(undefined);
    });
  }

  private push(e: DriverEvent | undefined): void {
    if (e?.event === 'started') this.kernelPid = e.pid;
    if (this.waiting) {
      const w = this.waiting;
      this.waiting = undefined;
      w(e);
    } else if (e) this.queue.push(e);
  }

  /** The next event; throws when the driver exited without one (with its stderr). */
  async next(): Promise<DriverEvent> {
    const queued = this.queue.shift();
    if (queued) return queued;
    const e = this.ended ? undefined : await new Promise<DriverEvent | undefined>((resolve) => (this.waiting = resolve));
    if (!e) throw new Error(`the notebook driver exited (code ${this.child.exitCode}):\n${this.stderr}`);
    return e;
  }

  /** The next event, which must be of this kind (an `error` event fails with the cell's error). */
  async expect<K extends DriverEvent['event']>(kind: K): Promise<Extract<DriverEvent, { event: K }>> {
    const e = await this.next();
    if (e.event !== kind) throw new Error(`expected "${kind}" from the notebook driver, got ${JSON.stringify(e)}\n${this.stderr}`);
    return e as Extract<DriverEvent, { event: K }>;
  }

  /** In step mode: run the next code cell. */
  step(): void {
    this.child.stdin.write('next\n');
  }

  /** In step mode: SIGKILL the kernel's process (the driver waits until it is gone). */
  kill(): void {
    this.child.stdin.write('kill\n');
  }

  /** In step mode: skip the remaining cells and stop the kernel as Jupyter does (shutdown_request). */
  shutdown(): void {
    this.child.stdin.write('shutdown\n');
  }

  /** Resolves with the driver's exit code; with `force`, kills the driver and its kernel first (a test that failed midway). */
  close(force = false): Promise<number | null> {
    if (this.ended) return Promise.resolve(this.child.exitCode);
    if (force) {
      this.child.kill('SIGKILL');
      if (this.kernelPid !== undefined) {
        try {
          process.kill(this.kernelPid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
    return new Promise((resolve) => this.child.once('close', (code) => resolve(code)));
  }
}

/** The HTML outputs of a cell event (execute_result or display_data). */
export function htmlOutputs(e: { outputs: NotebookOutput[] }): string[] {
  return e.outputs.flatMap((o) => (o.data?.['text/html'] ? [o.data['text/html']] : []));
}

/** Writes a notebook (nbformat 4.4) of these code cells; returns its bytes as written. */
export function writeNotebook(file: string, cells: readonly string[]): Buffer {
  const nb = {
    cells: cells.map((source) => ({ cell_type: 'code', execution_count: null, metadata: {}, outputs: [], source })),
    metadata: { kernelspec: { display_name: 'Python 3', language: 'python', name: 'python3' } },
    nbformat: 4,
    nbformat_minor: 4,
  };
  const bytes = Buffer.from(`${JSON.stringify(nb, null, 1)}\n`);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, bytes);
  return bytes;
}

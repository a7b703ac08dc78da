import type { RunStore } from '../store/runStore';

/** A user-facing CLI failure: printed as one line, exit code `code`. */
export class CliError extends Error {
  constructor(message: string, readonly code = 1) {
    super(message);
    this.name = 'CliError';
  }
}

/** What every command gets: streams, environment and the store it works on. */
export interface CliContext {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** stdout; control characters in the text are escaped (terminalText.ts), so data cannot drive the terminal. */
  readonly out: (text: string) => void;
  /** stderr, escaped like `out`. */
  readonly err: (text: string) => void;
  /**
   * stdout and stderr exactly as given: only for the CLI's own terminal
   * control (a progress line redrawn with `\r\x1b[2K`, a cleared screen)
   * and a training script's own output. Data never goes here.
   */
  readonly raw: { readonly out: (text: string) => void; readonly err: (text: string) => void };
  /** True when stderr is a terminal (progress redraws in place). */
  readonly interactive: boolean;
  readonly storeDir: string;
  /** Opens the store once per command; created only by a command that writes runs, otherwise a missing store is a CliError. */
  readonly openStore: (options?: { readonly?: boolean }) => RunStore;
  readonly debug: boolean;
}

/** A command: parses its own arguments, returns the process exit code. */
export type Command = (ctx: CliContext, argv: string[]) => Promise<number>;

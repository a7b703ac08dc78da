/** One measured number. `reference` is the same work done by the reference tool, in the same unit. */
export interface BenchResult {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  /** The reference's number (raw better-sqlite3, scikit-learn, pandas, daff…). */
  readonly reference?: number;
  readonly referenceName?: string;
  /** The goal, in words ("≥ 0.7 of raw", "< 200 ms"). */
  readonly goal?: string;
  readonly note?: string;
}

export interface BenchSection {
  readonly title: string;
  readonly run: () => Promise<readonly BenchResult[]>;
  /** Runs only when named on the command line (too long or heavy for every `npm run bench`); its last numbers are kept otherwise. */
  readonly optIn?: boolean;
}

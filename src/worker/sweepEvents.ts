/**
 * What a running sweep reports to its host (CLI progress lines, the
 * editor's progress notification), and how it ended. Type-only, JSON-only
 * payloads discriminated on `type`, like the worker protocol.
 */
import type { SweepGoal } from '../core/sweep/sweepMetric';
import type { SweepTrialRow } from '../core/sweep/sweepSummary';
import type { WorkerError, WorkerMessage } from './protocol';

/** A trial as the host sees it: its run and the values it tries. */
export interface SweepTrialInfo {
  readonly id: string;
  readonly name: string;
  /** 1-based trial number, in plan order. */
  readonly index: number;
  /** Dotted config path → value. */
  readonly params: Readonly<Record<string, unknown>>;
}

/** Why a sweep stopped before running every trial. */
export type SweepStopReason = 'cancelled' | 'max_failures' | 'stop_when';

export type SweepEvent =
  /** The parent run and every trial (queued) exist in the store. */
  | {
      readonly type: 'sweepStarted';
      readonly sweepId: string;
      readonly sweepName: string;
      readonly experiment: string;
      /** Undefined until the first trial tells the task (no `sweep.metric`, and the config does not fix the task). */
      readonly metric?: string;
      readonly goal?: SweepGoal;
      readonly parallel: number;
      readonly trials: readonly SweepTrialInfo[];
    }
  /** A worker process was forked for the trial. */
  | { readonly type: 'trialStarted'; readonly trial: SweepTrialInfo; readonly pid?: number; readonly running: number }
  /** A progress message of the trial's worker (phase, fit step, metrics). */
  | { readonly type: 'trialProgress'; readonly trial: SweepTrialInfo; readonly message: Extract<WorkerMessage, { type: 'progress' }> }
  /** The trial's process exited and its final state is in the store. */
  | {
      readonly type: 'trialEnded';
      readonly trial: SweepTrialInfo;
      readonly status: 'finished' | 'failed' | 'killed';
      readonly metric?: string;
      /** The sweep metric of a finished trial; null when it has none. */
      readonly value: number | null;
      readonly error?: WorkerError;
      /** True when this trial is the new best. */
      readonly best: boolean;
      /** Trials ended so far, including this one, and the number planned. */
      readonly completed: number;
      readonly total: number;
      /** Peak RSS of the trial's worker process in KiB, when it reported one. */
      readonly maxRssKb?: number;
    }
  /** No more trials start; running ones finish (or, when cancelled, are killed). */
  | { readonly type: 'stopping'; readonly reason: SweepStopReason; readonly message: string }
  | { readonly type: 'sweepEnded'; readonly outcome: SweepOutcome };

/** How a sweep ended; `run()` resolves with it. */
export interface SweepOutcome {
  readonly sweepId: string;
  readonly sweepName: string;
  readonly experiment: string;
  /**
   * `finished`: every trial ran, or `stop_when` held; `failed`: more than
   * `max_failures` trials failed, or none finished; `killed`: cancelled.
   */
  readonly status: 'finished' | 'failed' | 'killed';
  readonly stopped?: SweepStopReason;
  readonly metric: string;
  readonly goal: SweepGoal;
  /** The best finished trial by `metric` and `goal`; undefined when no trial has the metric. */
  readonly best?: SweepTrialRow;
  /** Every trial, best first (see `sortTrials`). */
  readonly trials: readonly SweepTrialRow[];
  /** Swept config paths, in `sweep.params` order. */
  readonly params: readonly string[];
  readonly error?: string;
}

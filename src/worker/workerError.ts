import { UserError, AbortError } from '../core/util/errors';
import { ConfigError } from '../core/config/parseConfig';
import { CsvError, DataError } from '../core/data/dataError';
import type { WorkerError } from './protocol';

/** Turns anything thrown during a run into the protocol's error shape. */
export function toWorkerError(e: unknown): WorkerError {
  if (e instanceof ConfigError) {
    const first = e.diagnostics[0];
    return { kind: 'config', message: e.format(), file: e.file, line: first?.line, column: first?.column };
  }
  if (e instanceof CsvError) {
    return { kind: 'data', message: e.message, file: e.file, line: e.line, column: e.column };
  }
  if (e instanceof DataError) return { kind: 'data', message: e.message };
  if (e instanceof AbortError) return { kind: 'cancelled', message: 'cancelled' };
  if (e instanceof UserError) return { kind: 'data', message: e.message, file: e.file, line: e.line, column: e.column };
  const err = e instanceof Error ? e : new Error(String(e));
  // Errors raised on purpose by core code carry a clear message; a TypeError
  // or RangeError is a bug and keeps its stack for --debug.
  const internal = err instanceof TypeError || err instanceof RangeError || err instanceof ReferenceError;
  return { kind: internal ? 'internal' : 'model', message: err.message, stack: err.stack };
}

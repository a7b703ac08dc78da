import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestContext } from 'node:test';
import type { OpenStoreOptions } from '../runStore';
import { RunStore } from '../runStore';

/** A temp dir removed after the test. */
export function tempDir(t: TestContext): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runlens-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A settable clock for `now`. */
export class FakeClock {
  constructor(public t = Date.UTC(2025, 0, 1)) {}
  readonly now = (): number => this.t;
  advance(ms: number): void {
    this.t += ms;
  }
}

/** A fresh store in a temp dir, closed after the test. */
export function tempStore(t: TestContext, opts: OpenStoreOptions = {}): { store: RunStore; dir: string; clock: FakeClock } {
  const dir = tempDir(t);
  const clock = new FakeClock();
  const store = RunStore.open(dir, { now: clock.now, ...opts });
  t.after(() => store.close());
  return { store, dir, clock };
}

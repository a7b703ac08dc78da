/**
 * Which data differs between compared runs, for the compare panel's
 * "data changed: view diff" banner. No vscode import: tested under Node.
 */
import type { DataChange } from '../../protocol/compare';

export interface RunInputs {
  readonly name: string;
  /** Orders the runs: the older run's data is A (the baseline), whatever the column order. */
  readonly createdAt: number;
  readonly inputs: readonly { readonly role: string; readonly path: string; readonly fingerprint: string }[];
}

/**
 * Per role (train, test, eval, and per path when a run read several files
 * in one role), the oldest run that read it is the baseline; each other
 * fingerprint seen in that role, from older to newer runs, is one change
 * against it.
 */
export function collectDataChanges(runs: readonly RunInputs[]): DataChange[] {
  const slots = new Map<string, { role: string; path: string; versions: { runName: string; fingerprint: string }[] }>();
  for (const run of [...runs].sort((x, y) => x.createdAt - y.createdAt)) {
    const roles = new Map<string, number>();
    for (const input of run.inputs) roles.set(input.role, (roles.get(input.role) ?? 0) + 1);
    for (const input of run.inputs) {
      // One file per role is the usual case: match by role, so a renamed data file still counts as the same data.
      const slotKey = roles.get(input.role) === 1 ? input.role : `${input.role}\u0000${input.path}`;
      let slot = slots.get(slotKey);
      if (!slot) slots.set(slotKey, (slot = { role: input.role, path: input.path, versions: [] }));
      if (!slot.versions.some((v) => v.fingerprint === input.fingerprint)) slot.versions.push({ runName: run.name, fingerprint: input.fingerprint });
    }
  }
  const changes: DataChange[] = [];
  for (const slot of slots.values()) {
    const [base, ...others] = slot.versions;
    for (const other of others) changes.push({ role: slot.role, path: slot.path, a: base, b: other });
  }
  return changes;
}

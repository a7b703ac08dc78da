import { parseArgs } from 'node:util';
import type { DoctorReport } from '../../store/doctor';
import { diagnoseStore } from '../../store/doctor';
import { storePaths } from '../../store/location';
import type { RepairReport } from '../../store/repair';
import { repairStore } from '../../store/repair';
import type { Command } from '../context';

const METHOD: Record<RepairReport['method'], string> = {
  'vacuum-into': 'the whole database, by VACUUM INTO',
  'row-copy': 'table by table, row by row',
  'new-empty': 'nothing was readable: a new empty store',
};

/**
 * `runlens doctor [--repair] [--json]`: the store's file, schema, integrity,
 * orphaned and missing blobs, stale runs and builds; exit 0 when healthy, 1
 * when problems were found (or, after `--repair`, when rows were lost).
 * It opens the database itself (read-only) instead of through RunStore,
 * which refuses exactly the stores a doctor must look at.
 */
export const doctorCommand: Command = async (ctx, argv) => {
  const { values } = parseArgs({ args: argv, options: { repair: { type: 'boolean', default: false }, json: { type: 'boolean', default: false } } });
  const paths = storePaths(ctx.storeDir);
  const report = diagnoseStore(paths, { now: Date.now() });
  let repair: RepairReport | undefined;
  let after: DoctorReport | undefined;
  if (values.repair && report.repairable) {
    repair = repairStore(paths, Date.now());
    after = diagnoseStore(paths, { now: Date.now() });
  }
  if (values.json) {
    ctx.out(JSON.stringify({ ...report, healthy: report.problems.length === 0, ...(repair ? { repair, after } : {}) }) + '\n');
  } else {
    printReport(ctx.out, report);
    if (repair) printRepair(ctx.out, repair);
    else if (values.repair) ctx.out(`nothing to repair: ${paths.db} is whole${report.problems.length > 0 ? ' (the problems above are not damage to the file)' : ''}\n`);
    else if (report.repairable) ctx.out('`runlens doctor --repair` copies what is readable into a new store and keeps this file beside it\n');
  }
  if (repair) return repair.lost.length === 0 && after?.integrity[0] === 'ok' ? 0 : 1;
  return report.problems.length === 0 ? 0 : 1;
};

function printReport(out: (t: string) => void, r: DoctorReport): void {
  out(`store: ${r.store}\n`);
  if (r.schemaVersion !== null) out(`schema: ${r.schemaVersion} (this RunLens: ${r.expectedSchemaVersion})\n`);
  if (r.integrity.length > 0) out(`integrity: ${r.integrity[0]}${r.integrity.length > 1 ? ` (+${r.integrity.length - 1} more)` : ''}\n`);
  out(`artifacts: ${r.blobs} blobs, ${r.orphanedBlobs.length} referenced by no row, ${r.missingBlobs.length} missing\n`);
  out(`stale: ${r.staleRuns.length} runs, ${r.staleBuilds.length} builds\n`);
  for (const p of r.problems) out(`problem: ${p}\n`);
  out(r.problems.length === 0 ? 'healthy\n' : `${r.problems.length} problem${r.problems.length === 1 ? '' : 's'} found\n`);
}

function printRepair(out: (t: string) => void, r: RepairReport): void {
  out(`repaired: ${r.store} is a new store holding what was readable (${METHOD[r.method]})${r.keptAs ? `; the old file is kept as ${r.keptAs}` : ''}\n`);
  out(`recovered: ${r.runs} runs, ${r.metricPoints} metric points\n`);
  for (const l of r.lost) out(`not recovered: ${l}\n`);
}

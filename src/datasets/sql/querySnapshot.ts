import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { parquetWriteBuffer } from 'hyparquet-writer';
import type { QueryResult } from './queryResult';

/**
 * Writes a query's result as the Parquet file that is its snapshot and
 * returns the sha256 of the bytes (the dataset version's fingerprint).
 * Parquet rather than CSV: the database's types survive (text that looks like
 * a number stays text, NULL stays apart from the text 'NA', integers and
 * booleans keep their kind), so a run re-read from the snapshot gets the
 * frame the query gave, and it is several times smaller. The writer's
 * options are fixed (no time stamp, `createdBy` without a version), so the
 * same rows give the same bytes and the same fingerprint.
 */
export function writeQuerySnapshot(result: QueryResult, file: string): string {
  const columnData = result.columns.map((c) => ({
    name: c.name,
    data: c.values,
    type: c.kind === 'numeric' ? 'DOUBLE' as const : c.kind === 'boolean' ? 'BOOLEAN' as const : 'STRING' as const,
    nullable: true,
  }));
  const bytes = Buffer.from(parquetWriteBuffer({ columnData, createdBy: 'runlens', rowGroupSize: 100_000 }));
  writeFileSync(file, bytes);
  return createHash('sha256').update(bytes).digest('hex');
}

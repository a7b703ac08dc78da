import { closeSync, openSync, readSync } from 'node:fs';
import { extname } from 'node:path';
import type { Frame } from './frame';
import { readCsv } from './csvReader';
import { readJsonl } from './jsonlReader';
import { readParquet } from './parquetReader';

/** The file formats a dataset can be read from. */
export type DataFormat = 'csv' | 'parquet' | 'jsonl';

/** A frame read from a data file of any format, with the sha256 of its bytes (the dataset fingerprint). */
export interface DataFileFrame extends Frame {
  readonly source: string;
  readonly sha256: string;
}

/** The format a path's extension names: `.parquet` / `.pq`, `.jsonl` / `.ndjson`, anything else CSV. */
export function dataFormatOf(path: string): DataFormat {
  const ext = extname(path).toLowerCase();
  if (ext === '.parquet' || ext === '.pq') return 'parquet';
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  return 'csv';
}

/**
 * The format of a file whose name may not say it (a snapshot blob, a temp
 * copy): Parquet by its leading magic bytes, else the format `nameHint`'s
 * extension names.
 */
export function sniffDataFormat(file: string, nameHint: string): DataFormat {
  const hinted = dataFormatOf(nameHint);
  if (hinted !== 'csv') return hinted;
  const head = Buffer.alloc(4);
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    readSync(fd, head, 0, 4, 0);
  } catch {
    return hinted;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  return head.toString('latin1') === 'PAR1' ? 'parquet' : hinted;
}

/**
 * Reads a data file into the frame cleaning, features, the split and the
 * fingerprint use, whatever its format (`format` defaults to the one the
 * extension names). `displayPath` names the file in errors.
 */
export async function readDataFile(path: string, opts: { readonly displayPath?: string; readonly format?: DataFormat } = {}): Promise<DataFileFrame> {
  const shown = opts.displayPath ?? path;
  switch (opts.format ?? dataFormatOf(shown)) {
    case 'parquet':
      return readParquet(path, shown);
    case 'jsonl':
      return readJsonl(path, shown);
    case 'csv': {
      const frame = await readCsv(path, { displayPath: shown, hash: true });
      return frame as typeof frame & { sha256: string };
    }
  }
}

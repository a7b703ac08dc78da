import { closeSync, openSync, writeSync } from 'node:fs';
import type { Column, Frame } from './frame';

/** Rows written per write call. */
const ROWS_PER_WRITE = 4096;

/**
 * Writes a frame as a CSV file the CSV reader reads back to the same values:
 * numbers in JavaScript's shortest round-trip form, a boolean as the text it
 * was read with (else true/false), missing cells empty, text quoted when it
 * holds a delimiter, a quote, a line break or surrounding spaces. The dataset
 * diff reads CSV, so a Parquet or JSON Lines version is diffed through this.
 */
export function writeFrameCsv(frame: Frame, file: string): void {
  const fd = openSync(file, 'w');
  try {
    writeSync(fd, frame.columns.map((c) => quote(c.name)).join(',') + '\n');
    const cells = frame.columns.map(cellWriter);
    let chunk: string[] = [];
    for (let r = 0; r < frame.rows; r++) {
      let line = '';
      for (let c = 0; c < cells.length; c++) line += (c > 0 ? ',' : '') + cells[c](r);
      chunk.push(line);
      if (chunk.length === ROWS_PER_WRITE) {
        writeSync(fd, chunk.join('\n') + '\n');
        chunk = [];
      }
    }
    if (chunk.length > 0) writeSync(fd, chunk.join('\n') + '\n');
  } finally {
    closeSync(fd);
  }
}

function cellWriter(col: Column): (row: number) => string {
  if (col.type === 'categorical') return (r) => (col.values[r] === null ? '' : quote(col.values[r] as string));
  const values = col.values;
  if (col.type === 'boolean') {
    const texts = col.texts;
    return (r) => {
      const v = values[r];
      if (Number.isNaN(v)) return '';
      const word = texts !== undefined ? texts.words[texts.codes[r] - 1] : undefined;
      return quote(word ?? (v === 1 ? 'true' : 'false'));
    };
  }
  return (r) => {
    const v = values[r];
    return Number.isNaN(v) ? '' : v === Infinity ? 'inf' : v === -Infinity ? '-inf' : String(v);
  };
}

function quote(text: string): string {
  if (text === '') return '""';
  return /[",\n\r]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { parquetWasm, readAllWasm } from './parquetWasm';
import type { ColumnTarget } from './parquetWasm';

test('parquet-wasm copies numbers of every width, booleans, text and nulls out of wasm memory', () => {
  const pw = parquetWasm();
  assert.ok(pw, 'parquet-wasm loads under Node');
  const n = 2500; // three row groups; nulls at several strides, so validity bits past the first byte count
  const bytes = new Uint8Array(parquetWriteBuffer({
    columnData: [
      { name: 'd', data: Array.from({ length: n }, (_, i) => (i % 7 === 0 ? null : i * 0.5)), type: 'DOUBLE' },
      { name: 'f', data: Array.from({ length: n }, (_, i) => (i % 5 === 0 ? null : i / 4)), type: 'FLOAT' },
      { name: 'i', data: Array.from({ length: n }, (_, i) => (i % 3 === 0 ? null : i - 1000)), type: 'INT32' },
      { name: 'l', data: Array.from({ length: n }, (_, i) => (i % 11 === 0 ? null : BigInt(i) * 3n)), type: 'INT64' },
      { name: 'b', data: Array.from({ length: n }, (_, i) => (i % 13 === 0 ? null : i % 2 === 0)), type: 'BOOLEAN' },
      { name: 's', data: Array.from({ length: n }, (_, i) => (i % 9 === 0 ? null : i % 10 === 1 ? 'NA' : `v${i % 37}é`)), type: 'STRING' },
    ],
    rowGroupSize: 1000,
  }));
  const numbers = ['d', 'f', 'i', 'l', 'b'].map((name): ColumnTarget => ({ name, numbers: new Float64Array(n) }));
  const texts: ColumnTarget = { name: 's', texts: new Array<string | null>(n) };
  assert.equal(readAllWasm(pw, bytes, n, [...numbers, texts]), true);
  const col = (k: number) => numbers[k].numbers!;
  for (let r = 0; r < n; r++) {
    assert.ok(r % 7 === 0 ? Number.isNaN(col(0)[r]) : col(0)[r] === r * 0.5, `d ${r}`);
    assert.ok(r % 5 === 0 ? Number.isNaN(col(1)[r]) : col(1)[r] === Math.fround(r / 4), `f ${r}`);
    assert.ok(r % 3 === 0 ? Number.isNaN(col(2)[r]) : col(2)[r] === r - 1000, `i ${r}`);
    assert.ok(r % 11 === 0 ? Number.isNaN(col(3)[r]) : col(3)[r] === r * 3, `l ${r}`);
    assert.ok(r % 13 === 0 ? Number.isNaN(col(4)[r]) : col(4)[r] === (r % 2 === 0 ? 1 : 0), `b ${r}`);
    assert.equal(texts.texts![r], r % 9 === 0 || r % 10 === 1 ? null : `v${r % 37}é`, `s ${r}`);
  }
});

test('a column type it does not copy (a timestamp) is left to hyparquet, with nothing written', () => {
  const pw = parquetWasm()!;
  const bytes = new Uint8Array(parquetWriteBuffer({ columnData: [{ name: 'x', data: [1, 2], type: 'DOUBLE' }, { name: 't', data: [new Date(0), new Date(1)], type: 'TIMESTAMP' }] }));
  const x = new Float64Array(2).fill(-1);
  assert.equal(readAllWasm(pw, bytes, 2, [{ name: 'x', numbers: x }, { name: 't', texts: [null, null] }]), false);
  assert.deepEqual([...x], [-1, -1]);
});

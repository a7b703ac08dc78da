import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatDatasetRef, parseDatasetRef } from './datasetRef';

const SHA = 'a3f1c9e0b2d4a3f1c9e0b2d4a3f1c9e0b2d4a3f1c9e0b2d4a3f1c9e0b2d4a3f1';

test('files, versions and git revisions are told apart', () => {
  assert.deepEqual(parseDatasetRef('data/train.csv'), { kind: 'file', path: 'data/train.csv' });
  assert.deepEqual(parseDatasetRef(SHA), { kind: 'version', fingerprint: SHA });
  assert.deepEqual(parseDatasetRef('A3F1C9'), { kind: 'version', fingerprint: 'a3f1c9' });
  assert.deepEqual(parseDatasetRef(`sha256:${SHA.slice(0, 10)}`), { kind: 'version', fingerprint: SHA.slice(0, 10) });
  assert.deepEqual(parseDatasetRef('data/train.csv@HEAD~3'), { kind: 'git', path: 'data/train.csv', rev: 'HEAD~3' });
  assert.deepEqual(parseDatasetRef('data/train.csv@origin/main'), { kind: 'git', path: 'data/train.csv', rev: 'origin/main' });
});

test('hex shorter than 6 digits, or with a dot or slash, is a file', () => {
  assert.deepEqual(parseDatasetRef('abc12'), { kind: 'file', path: 'abc12' });
  assert.deepEqual(parseDatasetRef('./abcdef'), { kind: 'file', path: './abcdef' });
  assert.deepEqual(parseDatasetRef('abcdef.csv'), { kind: 'file', path: 'abcdef.csv' });
});

test('@ in paths and in reflog revisions', () => {
  assert.deepEqual(parseDatasetRef('data@2024/train.csv@HEAD'), { kind: 'git', path: 'data@2024/train.csv', rev: 'HEAD' });
  assert.deepEqual(parseDatasetRef('train.csv@HEAD@{2}'), { kind: 'git', path: 'train.csv', rev: 'HEAD@{2}' });
  assert.deepEqual(parseDatasetRef('odd@name.csv@'), { kind: 'file', path: 'odd@name.csv' });
});

test('bad refs get one clear line naming the text', () => {
  assert.throws(() => parseDatasetRef('  '), /empty dataset reference/);
  assert.throws(() => parseDatasetRef('@HEAD'), /"@HEAD" has a revision but no file/);
  assert.throws(() => parseDatasetRef('sha256:xyz123'), /"sha256:xyz123" is not a dataset fingerprint/);
  assert.throws(() => parseDatasetRef('sha256:abc'), /not a dataset fingerprint/);
  assert.throws(() => parseDatasetRef('train.csv@--output=x'), /"--output=x" is not a git revision/);
});

test('format is read back as the same ref', () => {
  const refs = [
    { kind: 'file', path: 'data/train.csv' },
    { kind: 'file', path: 'odd@name.csv' },
    { kind: 'file', path: 'deadbeef' },
    { kind: 'version', fingerprint: SHA },
    { kind: 'git', path: 'data/train.csv', rev: 'HEAD~1' },
  ] as const;
  for (const ref of refs) {
    const back = parseDatasetRef(formatDatasetRef(ref));
    if ('path' in ref && ref.path === 'deadbeef') assert.deepEqual(back, { kind: 'file', path: './deadbeef' });
    else assert.deepEqual(back, ref);
  }
});

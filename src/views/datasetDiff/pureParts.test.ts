import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DatasetFileInfo } from '../../datasets/datasetCatalog';
import { fileText, shapeText, versionRef, versionText, useText } from '../datasets/datasetsNodes';
import { collectDataChanges } from './dataChanges';
import { renderDatasetDiffHtml } from './diffHtml';
import { shortRef } from './diffMessages';
import { sanitizeDiffState } from './pageState';

const FP1 = 'a'.repeat(64);
const FP2 = 'b'.repeat(64);
const NOW = Date.UTC(2026, 0, 10, 12);

function file(state: DatasetFileInfo['state']): DatasetFileInfo {
  return {
    path: 'data/train.csv',
    absPath: '/ws/data/train.csv',
    state,
    currentFingerprint: state === 'unchanged' ? FP2 : undefined,
    versions: [
      { fingerprint: FP2, path: 'data/train.csv', rows: 150, columns: 5, createdAt: NOW - 60_000, source: 'current-file', runs: [] },
      { fingerprint: FP1, path: 'data/train.csv', rows: null, columns: null, createdAt: NOW - 86_400_000, source: 'unavailable', runs: [] },
    ],
  };
}

test('Datasets view text: a changed file says so, versions show shape and age, when-clause values', () => {
  const changed = fileText(file('changed'));
  assert.equal(changed.description, 'changed since last run · 2 versions');
  assert.equal(changed.contextValue, 'datasetFile changed');
  assert.match(changed.tooltip, /matches no recorded version/);
  assert.equal(fileText(file('unchanged')).description, '2 versions');
  const f = file('unchanged');
  const current = versionText(f, f.versions[0], NOW);
  assert.equal(current.label, 'bbbbbbbb');
  assert.match(current.description, /^current · 150×5 · /);
  assert.equal(current.contextValue, 'datasetVersion current');
  const old = versionText(f, f.versions[1], NOW);
  assert.equal(old.contextValue, 'datasetVersion unavailable');
  assert.match(old.tooltip, /cannot be diffed/);
  assert.equal(shapeText(null, null), '');
  assert.equal(versionRef(FP1), `sha256:${FP1}`);
  assert.equal(versionRef(`sha256:${FP1}`), `sha256:${FP1}`);
  assert.match(useText({ runId: 'r1', runName: 'brave-otter-01', role: 'test', createdAt: NOW }, NOW).description, /^test · /);
});

test('data changes between compared runs: per role, baseline = the oldest run, each other version once', () => {
  const runs = [
    { name: 'r1', createdAt: 1, inputs: [{ role: 'train', path: 'data/train.csv', fingerprint: FP1 }, { role: 'test', path: 'data/test.csv', fingerprint: 'c1' }] },
    { name: 'r2', createdAt: 2, inputs: [{ role: 'train', path: 'data/train.csv', fingerprint: FP2 }, { role: 'test', path: 'data/test.csv', fingerprint: 'c1' }] },
    { name: 'r3', createdAt: 3, inputs: [{ role: 'train', path: 'data/train.csv', fingerprint: FP2 }] },
  ];
  assert.deepEqual(collectDataChanges(runs), [
    { role: 'train', path: 'data/train.csv', a: { runName: 'r1', fingerprint: FP1 }, b: { runName: 'r2', fingerprint: FP2 } },
  ]);
  // column order does not matter: the older run's data is A
  assert.deepEqual(collectDataChanges([runs[2], runs[0]])[0]?.a, { runName: 'r1', fingerprint: FP1 });
  assert.deepEqual(collectDataChanges([runs[0], runs[0]]), []);
  assert.deepEqual(collectDataChanges([]), []);
});

test('refs in titles: a full sha256 is shortened, anything else stays', () => {
  assert.equal(shortRef(`sha256:${FP1}`), 'sha256:aaaaaaaaaaaa…');
  assert.equal(shortRef('data/train.csv@HEAD~3'), 'data/train.csv@HEAD~3');
  assert.equal(shortRef('abc123'), 'abc123');
});

test('page state: malformed state is refused or cleaned, never trusted', () => {
  assert.equal(sanitizeDiffState(undefined), undefined);
  assert.equal(sanitizeDiffState({ refA: 'a.csv' }), undefined);
  assert.deepEqual(sanitizeDiffState({ refA: 'a.csv', refB: 'b.csv', key: ['id', 3], filter: { kind: 'bogus', column: 'x' }, collapsed: 'no' }), {
    refA: 'a.csv', refB: 'b.csv', key: ['id'], filter: { column: 'x' }, collapsed: [],
  });
  assert.deepEqual(sanitizeDiffState({ refA: 'a', refB: 'b', filter: { kind: 'added' } })?.filter, { kind: 'added' });
});

test('the page shell: strict CSP with the nonce, no inline script without it, every value escaped', () => {
  const html = renderDatasetDiffHtml({ cspSource: 'https://x', nonce: 'n"1', scriptUri: 'https://x/a.js?"><script>', codiconsUri: 'https://x/c.css' });
  assert.match(html, /default-src &#39;none&#39;/);
  assert.match(html, /script-src &#39;nonce-n&quot;1&#39;"/);
  assert.match(html, /<script nonce="n&quot;1" src=/);
  assert.doesNotMatch(html, /unsafe-inline|unsafe-eval/);
  assert.doesNotMatch(html, /"><script>/);
  assert.equal((html.match(/<script/g) ?? []).length, 1);
});

/**
 * Test support: real models trained through the real `runlens` CLI in a
 * copy of the examples workspace, read back from its store as `runlens
 * serve` reads them, plus a small dataset with what the examples lack
 * (categories, missing values, booleans, infinities, padded text).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeWorkspace, runCli } from '../../../test/fixtures/workspace';
import type { ModelPackage } from '../../core/package/modelPackage';
import { resolveModel } from '../../deploy/registry/resolveModel';
import { RunStore } from '../../store/runStore';

/** A trained model: its package as stored and the CSV to predict on. */
export interface TrainedModel {
  readonly config: string;
  readonly runId: string;
  readonly pkg: ModelPackage;
  /** The stored `model.json` bytes. */
  readonly packageJson: Buffer;
  /** Absolute path of a CSV with the model's input columns (and others). */
  readonly csv: string;
}

/** A workspace whose runs are trained by the CLI; `cleanup` removes it. */
export interface TrainingWorkspace {
  readonly dir: string;
  train(config: string, csv: string): TrainedModel;
  cleanup(): void;
}

/** A copy of the examples workspace with the custom dataset and its configs written into it. */
export function trainingWorkspace(): TrainingWorkspace {
  const ws = makeWorkspace();
  ws.write('data/custom.csv', customCsv(240));
  ws.write('data/custom-more.csv', customCsv(240) + EXTRA_ROWS);
  for (const [name, text] of Object.entries(CUSTOM_CONFIGS)) ws.write(name, text);
  return {
    dir: ws.dir,
    train(config, csv) {
      const r = runCli(ws.dir, ['train', config, '--json']);
      if (r.code !== 0) throw new Error(`runlens train ${config} failed (${r.code}): ${r.stderr.trim().split('\n').pop()}`);
      const runId = (JSON.parse(r.stdout) as { id: string }).id;
      const store = RunStore.open(join(ws.dir, '.runlens'), { readonly: true });
      try {
        const model = resolveModel(store, runId);
        return { config, runId, pkg: model.pkg, packageJson: readFileSync(model.packagePath), csv: join(ws.dir, csv) };
      } finally {
        store.dispose();
      }
    },
    cleanup: ws.cleanup,
  };
}

/**
 * Columns: `a` (numbers with blanks, inf and -inf), `b` (numbers with
 * blanks), `color` (categories with blanks and padding), `flag`
 * (true/false with blanks), `grade` (class 0/1/2) and `value` (a number).
 * Deterministic, so a failure reproduces.
 */
export function customCsv(rows: number): string {
  const colors = ['red', 'green', 'blue', 'amber'];
  const lines = ['a,b,color,flag,grade,value'];
  for (let i = 0; i < rows; i++) {
    const a = Math.round((Math.sin(i) * 10 + (i % 7)) * 1000) / 1000;
    const b = Math.round(Math.cos(i * 0.7) * 5 * 10000) / 10000;
    const c = colors[Math.floor(Math.abs(Math.sin(i * 3.7)) * 4) % 4]!;
    const flag = (i * 7) % 3 === 0;
    const effect = { red: 2, green: -1, blue: 0.5, amber: -3 }[c]!;
    const score = a * 0.3 + b + effect + (flag ? 1.5 : 0) + Math.sin(i * 12.9898) * 0.8;
    const grade = score < -1 ? 0 : score < 2.5 ? 1 : 2;
    const value = Math.round((2 * a + 3 * b + effect * 4 + (flag ? 5 : 0) + Math.cos(i * 78.233)) * 1e6) / 1e6;
    const aText = i % 37 === 5 ? 'inf' : i % 41 === 7 ? '-inf' : i % 11 === 0 ? '' : String(a);
    const bText = i % 13 === 3 ? '' : String(b);
    const cText = i % 9 === 4 ? '' : i % 17 === 2 ? ` ${c} ` : c;
    const fText = i % 10 === 6 ? '' : String(flag);
    lines.push([aText, bText, cText, fText, grade, value].join(','));
  }
  return lines.join('\n') + '\n';
}

/** Rows only to predict on: a category never seen, infinities, everything missing at once. */
const EXTRA_ROWS = [
  '1.5,2,purple,true,1,0',
  'inf,-inf,red,false,1,0',
  '-inf,Infinity,  blue,true,1,0',
  ',,,,1,0',
  '3.25,-0.5,AMBER,false,1,0',
].join('\n') + '\n';

/** The custom configs: each family on the custom data, under different cleaning rules. */
export const CUSTOM_CONFIGS: Readonly<Record<string, string>> = {
  'custom-logreg.train.yaml': [
    'experiment: custom',
    'task: classification',
    'data:',
    '  path: data/custom.csv',
    '  target: grade',
    '  split: { test: 0.25, seed: 3 }',
    '  clean: { missing: mean, infinite: clip }',
    '  features: { scale: standard, onehot: auto, exclude: [value] }',
    'model:',
    '  type: logistic_regression',
    '  params: { C: 2.0 }',
    '',
  ].join('\n'),
  'custom-tree.train.yaml': [
    'experiment: custom',
    'task: classification',
    'data:',
    '  path: data/custom.csv',
    '  target: grade',
    '  split: { test: 0.25, seed: 3 }',
    '  clean: { missing: median, infinite: clip }',
    '  features: { onehot: none, exclude: [value] }',
    'model:',
    '  type: decision_tree',
    '  params: { max_depth: 6, seed: 0 }',
    '',
  ].join('\n'),
  'custom-linear.train.yaml': [
    'experiment: custom',
    'data:',
    '  path: data/custom.csv',
    '  target: value',
    '  split: { test: 0.25, seed: 3 }',
    '  clean: { missing: mean, outliers: clip_iqr, infinite: missing }',
    '  features: { scale: minmax, exclude: [grade] }',
    'model:',
    '  type: linear_regression',
    '',
  ].join('\n'),
  'custom-drop.train.yaml': [
    'experiment: custom',
    'task: classification',
    'data:',
    '  path: data/custom.csv',
    '  target: grade',
    '  split: { test: 0.25, seed: 3 }',
    '  clean: { missing: drop, infinite: drop }',
    '  features: { exclude: [value] }',
    'model:',
    '  type: decision_tree',
    '  params: { max_depth: 3, seed: 0 }',
    '',
  ].join('\n'),
  'custom-mlp.train.yaml': [
    'experiment: custom',
    'data:',
    '  path: data/custom.csv',
    '  target: value',
    '  split: { test: 0.25, seed: 3 }',
    '  clean: { missing: median, infinite: missing }',
    '  features: { scale: standard, exclude: [grade] }',
    'model:',
    '  type: mlp',
    '  params: { hidden_layers: [12, 6], activation: tanh, epochs: 40, batch_size: 32, seed: 0 }',
    '',
  ].join('\n'),
};

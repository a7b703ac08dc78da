import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeLensSpecs, MAX_PROFILE_LENSES } from './computeLenses';

const gpu = { name: 'gpu-a100', backend: 'slurm' };
const cpu = { name: 'cpu', backend: 'slurm' };
const local = { name: 'local', backend: 'local' };

test('one Train on per cluster profile, the local profile left to "Train this"; a config with a sweep gets Sweep on instead', () => {
  const specs = computeLensSpecs({ profiles: [local, gpu, cpu], trials: undefined, trusted: true });
  assert.deepEqual(specs.map((s) => [s.kind, s.profile, s.title]), [
    ['train', 'gpu-a100', '$(play) Train on gpu-a100'],
    ['train', 'cpu', '$(play) Train on cpu'],
  ]);
  const sweep = computeLensSpecs({ profiles: [gpu], trials: 16, trusted: true });
  // submitting a config with a sweep submits the sweep: no "Train on" that would do the same
  assert.deepEqual(sweep.map((s) => [s.kind, s.title]), [['sweep', '$(sync) Sweep on gpu-a100 (16 trials)']]);
  assert.equal(computeLensSpecs({ profiles: [gpu], trials: 1, trusted: true })[0]!.title, '$(sync) Sweep on gpu-a100 (1 trial)');
});

test('no cluster profile: no lens; many: at most a few, in the order given', () => {
  assert.deepEqual(computeLensSpecs({ profiles: [local], trials: 4, trusted: true }), []);
  assert.deepEqual(computeLensSpecs({ profiles: new Map<string, typeof gpu>().values(), trials: 4, trusted: true }), []);
  const many = Array.from({ length: 9 }, (_, i) => ({ name: `p${i}`, backend: 'slurm' }));
  const specs = computeLensSpecs({ profiles: many, trials: undefined, trusted: true });
  assert.equal(specs.length, MAX_PROFILE_LENSES);
  assert.deepEqual(specs.map((s) => s.profile), ['p0', 'p1', 'p2', 'p3']);
});

test('an untrusted workspace shows the lenses with the reason they refuse', () => {
  const specs = computeLensSpecs({ profiles: [gpu], trials: 4, trusted: false });
  assert.deepEqual(specs.map((s) => s.title), ['$(workspace-untrusted) Sweep on gpu-a100 (4 trials) (trust the workspace first)']);
  assert.equal(computeLensSpecs({ profiles: [gpu], trials: undefined, trusted: false })[0]!.title, '$(workspace-untrusted) Train on gpu-a100 (trust the workspace first)');
  assert.match(specs[0]!.tooltip, /untrusted/);
});

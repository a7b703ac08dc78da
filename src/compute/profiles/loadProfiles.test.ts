import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, parseConfigText } from '../../core/config/parseConfig';
import { INLINE_PROFILE_NAME, loadComputeProfiles, resolveComputeProfile } from './loadProfiles';

/** A workspace folder holding `runlens.yaml` with `text` (none when undefined). */
function workspace(t: { after: (fn: () => void) => void }, text?: string): string {
  const root = mkdtempSync(join(tmpdir(), 'runlens-profiles-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  if (text !== undefined) writeFileSync(join(root, 'runlens.yaml'), text);
  return root;
}

const TEAM = 'compute:\n  gpu-a100:\n    backend: slurm\n    partition: gpu\n    account: team\n  cpu:\n    backend: slurm\n    partition: cpu\n';

test('without runlens.yaml or settings there is only local', (t) => {
  const loaded = loadComputeProfiles({ workspaceRoot: workspace(t) });
  assert.deepEqual([...loaded.profiles.entries()], [['local', { name: 'local', backend: 'local' }]]);
  assert.deepEqual(loaded.issues, []);
  assert.deepEqual(loaded.notes, []);
});

test('a runlens.yml is not read, and says so in one line', (t) => {
  const root = workspace(t);
  writeFileSync(join(root, 'runlens.yml'), TEAM);
  const loaded = loadComputeProfiles({ workspaceRoot: root });
  assert.deepEqual([...loaded.profiles.keys()], ['local']);
  assert.deepEqual(loaded.issues, ['runlens.yml: not read; compute profiles live in runlens.yaml (rename it)']);
});

test('local first, then the team profiles of runlens.yaml, then personal ones', (t) => {
  const loaded = loadComputeProfiles({ workspaceRoot: workspace(t, TEAM), personal: { mine: { backend: 'slurm', qos: 'high' } } });
  assert.deepEqual([...loaded.profiles.keys()], ['local', 'gpu-a100', 'cpu', 'mine']);
  assert.deepEqual(loaded.profiles.get('gpu-a100'), { name: 'gpu-a100', backend: 'slurm', partition: 'gpu', account: 'team' });
  assert.deepEqual(loaded.issues, []);
});

test('a personal profile replaces the team profile of the same name, with a note', (t) => {
  // The person who submits wrote it for themselves (their account), like a local override file beside a shared one.
  const loaded = loadComputeProfiles({ workspaceRoot: workspace(t, TEAM), personal: { 'gpu-a100': { backend: 'slurm', partition: 'gpu', account: 'mine' } } });
  assert.deepEqual(loaded.profiles.get('gpu-a100'), { name: 'gpu-a100', backend: 'slurm', partition: 'gpu', account: 'mine' });
  assert.deepEqual(loaded.notes, ['settings: runlens.compute.gpu-a100 replaces the profile "gpu-a100" of runlens.yaml']);
  assert.deepEqual(loaded.issues, []);
});

test('a broken personal override does not fall back to the team profile: the name fails with its problem', (t) => {
  const loaded = loadComputeProfiles({ workspaceRoot: workspace(t, TEAM), personal: { 'gpu-a100': { backend: 'slurm', time: 'all day' } } });
  assert.equal(loaded.profiles.has('gpu-a100'), false);
  assert.deepEqual(loaded.issues.map((l) => l.split(' must')[0]), ['settings: runlens.compute.gpu-a100.time']);
  assert.throws(() => resolveComputeProfile({ ...loaded, on: 'gpu-a100' }), (e: unknown) => {
    assert.ok(e instanceof ConfigError);
    assert.match(e.message, /^--on: the compute profile "gpu-a100" has errors: runlens\.compute\.gpu-a100\.time must be a Slurm time limit/);
    return true;
  });
});

test('a bad profile in runlens.yaml is an issue with file, line and column; the others still load', (t) => {
  const root = workspace(t, TEAM.replace('    partition: cpu\n', '    partition: cpu\n    time: 1h\n'));
  const loaded = loadComputeProfiles({ workspaceRoot: root });
  assert.deepEqual([...loaded.profiles.keys()], ['local', 'gpu-a100']);
  assert.equal(loaded.issues.length, 1);
  assert.match(loaded.issues[0]!, /^runlens\.yaml:9:11: compute\.cpu\.time must be a Slurm time limit: .*\(got "1h"\)$/);
  assert.throws(() => resolveComputeProfile({ ...loaded, on: 'cpu' }), /--on: the compute profile "cpu" has errors: compute\.cpu\.time must be/);
});

test('a runlens.yaml that cannot be read is one issue, not a crash', (t) => {
  // A folder in its place: unreadable even for root, which reads a file whatever its mode.
  const root = workspace(t);
  mkdirSync(join(root, 'runlens.yaml'));
  const loaded = loadComputeProfiles({ workspaceRoot: root, personal: { mine: { backend: 'slurm' } } });
  assert.deepEqual(loaded.issues, ['runlens.yaml: cannot read it: EISDIR: illegal operation on a directory, read']);
  assert.deepEqual([...loaded.profiles.keys()], ['local', 'mine']);
});

test('--on picks a profile and wins over the config; local is always there', (t) => {
  const loaded = loadComputeProfiles({ workspaceRoot: workspace(t, TEAM) });
  assert.equal(resolveComputeProfile({ ...loaded, on: 'cpu', configCompute: 'gpu-a100' }).name, 'cpu');
  assert.deepEqual(resolveComputeProfile({ ...loaded, on: 'local', configCompute: 'gpu-a100' }), { name: 'local', backend: 'local' });
  assert.equal(resolveComputeProfile({ ...loaded, configCompute: 'gpu-a100' }).name, 'gpu-a100');
  assert.deepEqual(resolveComputeProfile({ ...loaded }), { name: 'local', backend: 'local' }, 'nothing picks one: local');
  assert.deepEqual(resolveComputeProfile({ profiles: new Map(), configCompute: 'local' }), { name: 'local', backend: 'local' });
});

test('an unknown name with --on says so, suggests the closest and lists where profiles live', (t) => {
  const loaded = loadComputeProfiles({ workspaceRoot: workspace(t, TEAM) });
  assert.throws(() => resolveComputeProfile({ ...loaded, on: 'gpu-a10' }), (e: unknown) => {
    assert.ok(e instanceof ConfigError);
    assert.equal(e.message, `--on: unknown compute profile "gpu-a10"; did you mean "gpu-a100"? (known: local, gpu-a100, cpu; profiles live in runlens.yaml's compute: and the runlens.compute setting)`);
    return true;
  });
});

test("an unknown name in a config's compute: is an error at its line", (t) => {
  const loaded = loadComputeProfiles({ workspaceRoot: workspace(t, TEAM) });
  const parsed = parseConfigText('command: python train.py\ncompute: gpu-h100\n', 'x.train.yaml');
  const config = parsed.config;
  assert.ok(config);
  assert.throws(() => resolveComputeProfile({ ...loaded, configCompute: config.compute, configFile: 'x.train.yaml', locate: parsed.locate }), (e: unknown) => {
    assert.ok(e instanceof ConfigError);
    assert.match(e.message, /^x\.train\.yaml:2:10: compute: unknown compute profile "gpu-h100"; did you mean "gpu-a100"\?/);
    return true;
  });
});

test('an inline profile in the config is used as written, and checked the same way', (t) => {
  const loaded = loadComputeProfiles({ workspaceRoot: workspace(t, TEAM) });
  const parsed = parseConfigText('command: python train.py\ncompute:\n  backend: slurm\n  partition: gpu\n  time: 30\n', 'x.train.yaml');
  assert.ok(parsed.config);
  assert.deepEqual(resolveComputeProfile({ ...loaded, configCompute: parsed.config.compute }), { name: INLINE_PROFILE_NAME, backend: 'slurm', partition: 'gpu', time: '30' });
  // --on still wins over an inline profile.
  assert.equal(resolveComputeProfile({ ...loaded, configCompute: parsed.config.compute, on: 'cpu' }).name, 'cpu');
  // A config changed after parsing (e.g. --set compute.time=…) is checked again, with positions when there are some.
  const bad = { backend: 'slurm', time: 'tomorrow', extra: ['--array=0-3'] };
  assert.throws(() => resolveComputeProfile({ ...loaded, configCompute: bad, configFile: 'x.train.yaml', locate: parsed.locate }), (e: unknown) => {
    assert.ok(e instanceof ConfigError);
    assert.deepEqual(e.diagnostics.map((d) => [d.line, d.path]), [[5, '/compute/time'], [2, '/compute/extra/0']]);
    assert.match(e.message, /x\.train\.yaml:5:9: compute\.time must be a Slurm time limit/);
    assert.match(e.message, /compute\.extra\[0\]: RunLens sets --array itself \(sweeps\)/);
    return true;
  });
});

test('the training config schema checks an inline profile at its line', () => {
  const parsed = parseConfigText('command: python train.py\ncompute:\n  backend: slurm\n  mem: 1.5G\n', 'x.train.yaml');
  assert.equal(parsed.config, undefined);
  assert.deepEqual(parsed.diagnostics.map((d) => [d.line, d.column, d.message.split(' (got')[0]]), [
    [4, 8, 'compute.mem must be a Slurm memory size: a whole number with an optional unit K, M, G or T (e.g. 16G; no unit: megabytes)'],
  ]);
  assert.match(parseConfigText('command: x\ncompute: 3\n', 'x.train.yaml').diagnostics[0]!.message, /^compute must be a non-empty string or a mapping \(got 3\)$/);
});

test('a training config: extra options RunLens owns are errors in the editor too, and a sweep cannot vary compute', () => {
  const owned = parseConfigText('command: x\ncompute:\n  backend: slurm\n  extra: ["--exclusive", "-o", "x.log"]\n', 'x.train.yaml');
  assert.deepEqual(owned.diagnostics.map((d) => [d.line, d.severity, d.message]), [
    [4, 'error', 'compute.extra[1]: RunLens sets -o itself (the job log); remove it'],
    [4, 'error', 'compute.extra[2] must be one sbatch option starting with "-", e.g. --exclusive or --nodes=1 (got "x.log")'],
  ]);
  const sweep = parseConfigText('command: x\ncompute: gpu\nsweep:\n  method: grid\n  metric: loss\n  params:\n    compute.partition: [a, b]\n', 'x.train.yaml');
  assert.deepEqual(sweep.diagnostics.map((d) => [d.line, d.message]), [
    [7, 'sweep param "compute.partition" cannot change where trials run: a sweep runs all its trials on one compute profile'],
  ]);
});

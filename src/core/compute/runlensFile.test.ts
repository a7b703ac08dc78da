import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkPersonalProfiles, parseRunlensFileText } from './runlensFile';

const TEAM = `# the team's profiles
compute:
  gpu-a100:
    backend: slurm
    partition: gpu
    time: "4:00:00"
    cpus_per_task: 8
    mem: 64G
    gres: gpu:a100:1
    setup: ["module load cuda/12"]
    extra: ["--exclusive"]
  debug:
    backend: slurm
    partition: debug
    time: 90
    mem: 2048
  here:
    backend: local
`;

test('a good runlens.yaml gives its profiles in the order written, with no diagnostics', () => {
  const set = parseRunlensFileText(TEAM);
  assert.deepEqual(set.diagnostics, []);
  assert.deepEqual(set.profiles, [
    { name: 'gpu-a100', backend: 'slurm', partition: 'gpu', time: '4:00:00', cpus_per_task: 8, mem: '64G', gres: 'gpu:a100:1', setup: ['module load cuda/12'], extra: ['--exclusive'] },
    { name: 'debug', backend: 'slurm', partition: 'debug', time: '90', mem: '2048' },
    { name: 'here', backend: 'local' },
  ]);
  assert.equal(set.invalid.size, 0);
});

test('a bad field is marked at its line and column, and only its profile is left out', () => {
  const text = TEAM.replace('time: "4:00:00"', 'time: 4h').replace('    partition: debug\n', '    partiton: debug\n');
  const set = parseRunlensFileText(text);
  assert.deepEqual(set.profiles.map((p) => p.name), ['here']);
  assert.deepEqual([...set.invalid.keys()], ['gpu-a100', 'debug']);
  const [time, typo] = set.diagnostics;
  assert.equal(time!.line, 6);
  assert.equal(time!.column, 11, 'the value 4h');
  assert.equal(time!.endColumn, 13);
  assert.match(time!.message, /^compute\.gpu-a100\.time must be a Slurm time limit: minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS .*\(got "4h"\)$/);
  assert.equal(time!.path, '/compute/gpu-a100/time');
  assert.equal(typo!.line, 14);
  assert.equal(typo!.column, 5, 'the key partiton');
  assert.match(typo!.message, /did you mean "partition"\?/);
  assert.equal(set.diagnostics.length, 2);
});

test('YAML syntax errors come with the same messages as a training config', () => {
  const tabs = parseRunlensFileText('compute:\n\tgpu:\n    backend: slurm\n');
  assert.equal(tabs.profiles.length, 0);
  assert.match(tabs.diagnostics[0]!.message, /tabs cannot indent YAML; use spaces/);
  assert.equal(tabs.diagnostics[0]!.line, 2);
  const dup = parseRunlensFileText('compute:\n  gpu:\n    backend: slurm\n  gpu:\n    backend: local\n');
  assert.match(dup.diagnostics[0]!.message, /^duplicate key "gpu"/);
  assert.equal(dup.diagnostics[0]!.line, 4);
});

test('an empty runlens.yaml, or one with no compute:, is fine and has no profiles', () => {
  for (const text of ['', '# nothing yet\n', 'compute: {}\n']) {
    assert.deepEqual(parseRunlensFileText(text), { profiles: [], diagnostics: [], invalid: new Map() }, JSON.stringify(text));
  }
});

test('defining "local" is an error on its key; the other profiles still load', () => {
  const set = parseRunlensFileText('compute:\n  local:\n    backend: slurm\n  cpu:\n    backend: slurm\n');
  assert.deepEqual(set.profiles.map((p) => p.name), ['cpu']);
  assert.equal(set.diagnostics.length, 1);
  assert.equal(set.diagnostics[0]!.line, 2);
  assert.match(set.diagnostics[0]!.message, /not "local" \(built in\)/);
});

test('warnings do not leave a profile out', () => {
  const set = parseRunlensFileText('compute:\n  gpu:\n    backend: slurm\n    extra: ["--partition=gpu"]\n');
  assert.deepEqual(set.profiles.map((p) => p.name), ['gpu']);
  assert.equal(set.diagnostics[0]!.severity, 'warning');
  assert.equal(set.diagnostics[0]!.line, 4);
});

test('the personal setting: valid profiles kept, invalid ones named with messages that say runlens.compute', () => {
  assert.deepEqual(checkPersonalProfiles(undefined), { profiles: [], diagnostics: [], invalid: new Map() });
  const set = checkPersonalProfiles({ mine: { backend: 'slurm', account: 'me' }, broken: { backend: 'slurm', mem: 'lots' } });
  assert.deepEqual(set.profiles, [{ name: 'mine', backend: 'slurm', account: 'me' }]);
  assert.deepEqual([...set.invalid.keys()], ['broken']);
  assert.match(set.invalid.get('broken')![0]!, /^runlens\.compute\.broken\.mem must be a Slurm memory size/);
  assert.equal(set.diagnostics[0]!.line, 0, 'a setting has no position');
  const notAMap = checkPersonalProfiles(['gpu']);
  assert.equal(notAMap.profiles.length, 0);
  assert.match(notAMap.diagnostics[0]!.message, /^runlens\.compute must be a mapping/);
});

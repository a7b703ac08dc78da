import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import Ajv from 'ajv';
import { inlineProfileIssues, personalProfilesIssues, PROFILE_KEYS, runlensFileIssues, runlensFileSchema, toComputeProfile } from './computeProfile';
import type { SlurmProfile } from './computeProfile';
import { trainSchema } from '../config/trainSchema';

const schemaFile = (name: string) => JSON.parse(readFileSync(new URL(`../../../schemas/${name}`, import.meta.url), 'utf8'));

/** The messages of a `runlens.yaml` value holding one profile `p` named gpu. */
const messages = (p: unknown) => runlensFileIssues({ compute: { gpu: p } }).map((i) => i.message);
const slurm = (more: Record<string, unknown>) => ({ backend: 'slurm', ...more });

test('a full Slurm profile passes and becomes a SlurmProfile with time and mem as sbatch reads them', () => {
  const value = {
    backend: 'slurm', partition: 'gpu', time: 90, cpus_per_task: 8, mem: 16384, gres: 'gpu:a100:2', account: 'ml-team',
    qos: 'normal', constraint: 'a100|h100', setup: ['module load cuda/12', 'source ~/venv/bin/activate'],
    extra: ['--exclusive', '--nodes=1', '--comment=two words'], requeue: true, env: { OMP_NUM_THREADS: '8' },
  };
  assert.deepEqual(messages(value), []);
  const profile = toComputeProfile('gpu', value) as SlurmProfile;
  assert.equal(profile.name, 'gpu');
  assert.equal(profile.backend, 'slurm');
  assert.equal(profile.time, '90');
  assert.equal(profile.mem, '16384');
  assert.deepEqual(profile.setup, value.setup);
  assert.deepEqual(profile.env, { OMP_NUM_THREADS: '8' });
  // Every key of the type is a key of the schema and back.
  const typed: Record<Exclude<keyof SlurmProfile, 'name'>, true> = {
    backend: true, partition: true, time: true, cpus_per_task: true, mem: true, gres: true, account: true, qos: true,
    constraint: true, setup: true, extra: true, requeue: true, env: true,
  };
  assert.deepEqual([...PROFILE_KEYS].sort(), Object.keys(typed).sort());
});

test('every time format Slurm reads is accepted, and nothing else', () => {
  for (const time of ['30', 30, 0, '0', '5:30', '4:00:00', '1-12', '2-12:30', '2-00:00:00', 'UNLIMITED', 'infinite', '1:75:00']) {
    assert.deepEqual(messages(slurm({ time })), [], String(time));
  }
  for (const time of ['1h', '4:00:00:00', '1-', '-1', ' 30', '1.5', '1-2-3', 'forever', '', -5, 1.5]) {
    const m = messages(slurm({ time }));
    assert.equal(m.length, 1, `${JSON.stringify(time)}: ${m.join(' | ')}`);
    assert.match(m[0]!, /^compute\.gpu\.time must be (a Slurm time limit: minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS|)/, String(time));
  }
});

test('each bad field says which field and what it takes', () => {
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ backend: 'kubernetes' }, /^compute\.gpu\.backend "kubernetes" is not one of: slurm, local$/],
    [{ backend: 'slrum' }, /did you mean "slurm"\?/],
    [slurm({ partition: 'gpu a100' }), /^compute\.gpu\.partition must be one partition name/],
    [slurm({ partition: 7 }), /^compute\.gpu\.partition must be one partition name, without spaces or commas \(got 7\)$/],
    [slurm({ cpus_per_task: 0 }), /^compute\.gpu\.cpus_per_task must be an integer ≥ 1 \(got 0\)$/],
    [slurm({ cpus_per_task: 2.5 }), /^compute\.gpu\.cpus_per_task must be an integer/],
    [slurm({ mem: '16Gi' }), /^compute\.gpu\.mem must be a Slurm memory size: .*\(got "16Gi"\)$/],
    [slurm({ mem: '1.5G' }), /^compute\.gpu\.mem must be a Slurm memory size/],
    [slurm({ gres: 'gpu: 1' }), /^compute\.gpu\.gres must be a Slurm resource list without spaces/],
    [slurm({ account: '' }), /^compute\.gpu\.account must be one account name/],
    [slurm({ qos: 'a b' }), /^compute\.gpu\.qos must be one quality-of-service name/],
    [slurm({ constraint: 'a\nb' }), /^compute\.gpu\.constraint must be a non-empty node feature expression on one line/],
    [slurm({ setup: 'module load cuda' }), /^compute\.gpu\.setup must be a list of strings/],
    [slurm({ setup: ['ok', 3] }), /^compute\.gpu\.setup\[1\] must be a string \(got 3\)$/],
    [slurm({ extra: '--exclusive' }), /^compute\.gpu\.extra must be a list/],
    [slurm({ extra: ['exclusive'] }), /^compute\.gpu\.extra\[0\] must be one sbatch option starting with "-"/],
    [slurm({ extra: ['--nodes 2'] }), /^compute\.gpu\.extra\[0\]: one argument per item; write "--nodes=2"$/],
    [slurm({ extra: ['--output=/tmp/x.log'] }), /^compute\.gpu\.extra\[0\]: RunLens sets --output itself \(the job log\)/],
    [slurm({ extra: ['-a0-3'] }), /^compute\.gpu\.extra\[0\]: RunLens sets -a itself \(sweeps\)/],
    [slurm({ requeue: 'yes' }), /^compute\.gpu\.requeue must be true or false \(got "yes"\)$/],
    [slurm({ env: { 'MY-VAR': 'x' } }), /^invalid key "MY-VAR" in compute\.gpu\.env: an environment variable name is/],
    [slurm({ env: { N: 8 } }), /^compute\.gpu\.env\.N must be a string \(got 8\)$/],
    [slurm({ env: { RUNLENS_STORE: '/tmp/x' } }), /^compute\.gpu\.env\.RUNLENS_STORE: RunLens sets the RUNLENS_ variables of a job itself/],
    [slurm({ partiton: 'gpu' }), /^unknown key "partiton" in compute\.gpu \(allowed: backend, partition, .*\); did you mean "partition"\?$/],
    [{ partition: 'gpu' }, /^missing required key "backend" in compute\.gpu$/],
    [{ backend: 'local', partition: 'gpu' }, /^invalid key "partition" in compute\.gpu: a local profile takes only "backend"/],
  ];
  for (const [profile, expected] of cases) {
    const m = runlensFileIssues({ compute: { gpu: profile } }).filter((i) => i.severity === 'error');
    assert.equal(m.length, 1, `${JSON.stringify(profile)}: ${m.map((i) => i.message).join(' | ')}`);
    assert.match(m[0]!.message, expected);
    assert.equal(m[0]!.pointer[0], 'compute');
    assert.equal(m[0]!.pointer[1], 'gpu');
  }
});

test('an sbatch option that has a key of its own is a warning, not an error', () => {
  const issues = runlensFileIssues({ compute: { gpu: slurm({ extra: ['--time=5', '-pgpu', '--exclusive'] }) } });
  assert.deepEqual(issues.map((i) => [i.severity, i.pointer.join('.'), i.message]), [
    ['warning', 'compute.gpu.extra.0', 'compute.gpu.extra[0]: --time has its own key; write "time:" in the profile (it is checked there)'],
    ['warning', 'compute.gpu.extra.1', 'compute.gpu.extra[1]: -p has its own key; write "partition:" in the profile (it is checked there)'],
  ]);
});

test('profile names: letters, digits, ".", "_", "-", and never "local"', () => {
  assert.deepEqual(runlensFileIssues({ compute: { 'gpu-a100': slurm({}), 'cpu_2.big': slurm({}) } }), []);
  for (const name of ['local', 'has space', '-dash', '']) {
    const issues = runlensFileIssues({ compute: { [name]: slurm({}) } });
    assert.equal(issues.length, 1, name);
    assert.match(issues[0]!.message, /^invalid key ".*" in compute: a profile name is .* not "local" \(built in\)$/);
    assert.deepEqual(issues[0]!.pointer, ['compute', name]);
    assert.equal(issues[0]!.target, 'key');
  }
});

test('runlens.yaml is closed at the top: only compute', () => {
  assert.deepEqual(runlensFileIssues({}), []);
  assert.match(runlensFileIssues({ computes: {} })[0]!.message, /^unknown key "computes" at the top level \(allowed: compute\); did you mean "compute"\?$/);
  assert.match(runlensFileIssues({ compute: ['gpu'] })[0]!.message, /^compute must be a mapping/);
});

test('the personal setting and an inline profile name their own paths', () => {
  assert.deepEqual(personalProfilesIssues({ mine: slurm({ account: 'me' }) }), []);
  assert.deepEqual(personalProfilesIssues({ mine: slurm({ time: '1h' }) }).map((i) => i.message.split(' must')[0]), ['runlens.compute.mine.time']);
  assert.match(personalProfilesIssues('gpu')[0]!.message, /^runlens\.compute must be a mapping \(got "gpu"\)$/);
  assert.deepEqual(inlineProfileIssues(slurm({ time: '4:00:00' })), []);
  const inline = inlineProfileIssues(slurm({ time: 'soon', extra: ['--error=x'] }));
  assert.deepEqual(inline.map((i) => i.pointer.join('.')), ['compute.time', 'compute.extra.0']);
  assert.match(inline[0]!.message, /^compute\.time must be a Slurm time limit/);
});

test('the profile schema has one definition: runlens.yaml, the training config and the setting agree', () => {
  const runlens = schemaFile('runlens.schema.json');
  assert.deepEqual(runlensFileSchema, runlens, 'the file on disk is what the code loads');
  const profile = runlens.definitions.computeProfile;
  // JSON Schema cannot include a definition from another file for every reader (ajv, VS Code's JSON, the YAML
  // extension), so train.schema.json and package.json hold copies: copy runlens.schema.json's over after a change.
  assert.deepEqual((trainSchema as { definitions: Record<string, unknown> }).definitions.computeProfile, profile, 'schemas/train.schema.json#/definitions/computeProfile');
  const setting = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')).contributes.configuration.properties['runlens.compute'];
  assert.deepEqual(setting.additionalProperties, profile, 'package.json runlens.compute.additionalProperties');
  assert.deepEqual(setting.propertyNames, runlens.properties.compute.propertyNames, 'package.json runlens.compute.propertyNames');
  const plain = new Ajv({ strict: false });
  assert.ok(plain.validateSchema(runlens), JSON.stringify(plain.errors));
});

test('runlens.yaml is registered for the YAML extension (completions, hovers) and every key is described', () => {
  const manifest = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8'));
  const entry = (manifest.contributes.yamlValidation as { fileMatch: string[]; url: string }[]).find((v) => v.fileMatch.includes('runlens.yaml'));
  assert.equal(entry?.url, './schemas/runlens.schema.json');
  const undescribed: string[] = [];
  const visit = (node: unknown, at: string) => {
    if (typeof node !== 'object' || node === null) return;
    const s = node as { properties?: Record<string, { description?: unknown; markdownDescription?: unknown }> };
    for (const [key, sub] of Object.entries(s.properties ?? {})) {
      if (!/\/(if|then)$/.test(at) && (typeof sub.description !== 'string' || typeof sub.markdownDescription !== 'string')) undescribed.push(`${at}/${key}`);
      visit(sub, `${at}/properties/${key}`);
    }
  };
  const runlens = schemaFile('runlens.schema.json');
  visit(runlens, '#');
  visit(runlens.definitions.computeProfile, '#/definitions/computeProfile');
  assert.deepEqual(undescribed, []);
});

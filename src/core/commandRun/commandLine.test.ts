import { test } from 'node:test';
import assert from 'node:assert/strict';
import { delimiter } from 'node:path';
import type { TrainConfig } from '../config/trainConfig';
import { defaultPython, formatParamValue, paramArgs, paramEnvName, planCommand } from './commandLine';
import type { CommandContext } from './commandLine';
import { TemplateError, expandTemplates, findTemplates, templateProblem } from './template';

const ctx: CommandContext = {
  runId: 'abc123',
  experiment: 'churn',
  configPath: '/ws/train/c.train.yaml',
  storeDir: '/ws/.runlens',
  baseEnv: { PATH: '/usr/bin', HOME: '/home/u', RUNLENS_WORKER: '1', RUNLENS_PYTHON: '/venv/bin/python' },
  helperDir: '/ext/python',
  platform: 'linux',
};

test('templates are found with their offsets; an unclosed one is an error', () => {
  assert.deepEqual(findTemplates('a {{ python }} b {{params.lr}}'), [{ name: 'python', start: 2, end: 14 }, { name: 'params.lr', start: 17, end: 30 }]);
  assert.throws(() => findTemplates('x {{params.lr'), (e: unknown) => e instanceof TemplateError && e.start === 2);
  assert.equal(expandTemplates('--lr={{params.lr}}!', (n) => (n === 'params.lr' ? '0.1' : undefined)), '--lr=0.1!');
  assert.throws(() => expandTemplates('{{nope}}', () => undefined), /unknown template \{\{nope\}\}/);
});

test('templateProblem names what exists', () => {
  assert.equal(templateProblem('python', []), undefined);
  assert.equal(templateProblem('params.lr', ['lr']), undefined);
  assert.equal(templateProblem('params.nope', ['lr', 'epochs']), '{{params.nope}}: there is no param "nope" (params: lr, epochs)');
  assert.equal(templateProblem('params.lr', []), '{{params.lr}}: the config has no params (add params: { lr: … })');
  assert.match(templateProblem('pyhton', ['lr'])!, /^unknown template \{\{pyhton\}\} \(known: \{\{python\}\}, \{\{run_id\}\}, \{\{experiment\}\}, \{\{config_dir\}\}, \{\{params\.<key>\}\}\)$/);
});

test('param values as arguments and environment names', () => {
  assert.deepEqual([0.001, 1e-7, 20, true, null, 'adam', [64, 32], { a: 1 }].map(formatParamValue), ['0.001', '1e-7', '20', 'true', 'null', 'adam', '[64,32]', '{"a":1}']);
  assert.equal(paramEnvName('batch-size'), 'RUNLENS_PARAM_BATCH_SIZE');
  assert.equal(paramEnvName('model.lr'), 'RUNLENS_PARAM_MODEL_LR');
});

test('args: set, a one-word format, a two-word format; values are never split', () => {
  const params = { lr: 0.1, name: 'two words' };
  assert.deepEqual(paramArgs('set', params), ['--set', 'lr=0.1', '--set', 'name=two words']);
  assert.deepEqual(paramArgs('--{key}={value}', params), ['--lr=0.1', '--name=two words']);
  assert.deepEqual(paramArgs('--{key} {value}', params), ['--lr', '0.1', '--name', 'two words']);
  assert.deepEqual(paramArgs('-D{key}={value}', { k: '{key}' }), ['-Dk={key}']);
  assert.deepEqual(paramArgs(undefined, params), []);
});

test('planCommand: the words are split first, then filled in; params appended; cwd relative to the config', () => {
  const config: TrainConfig = {
    command: `{{python}} "my train.py" --name {{params.name}} --out {{config_dir}}/out-{{run_id}}`,
    params: { name: 'a b; rm -rf /', lr: 0.5 },
    args: 'set',
    cwd: '../scripts',
    timeout: 1.5,
  };
  const plan = planCommand(config, ctx);
  assert.deepEqual(plan.argv, ['/venv/bin/python', 'my train.py', '--name', 'a b; rm -rf /', '--out', '/ws/train/out-abc123', '--set', 'name=a b; rm -rf /', '--set', 'lr=0.5']);
  assert.equal(plan.cwd, '/ws/scripts');
  assert.equal(plan.timeoutMs, 1500);
});

test('planCommand: a list command is taken word for word (templates still filled)', () => {
  const plan = planCommand({ command: ['python3', 'a "b"', '{{experiment}}'] }, ctx);
  assert.deepEqual(plan.argv, ['python3', 'a "b"', 'churn']);
  assert.equal(plan.cwd, '/ws/train');
  assert.equal(plan.timeoutMs, undefined);
});

test('planCommand: the environment RunLens promises, which the config cannot override', () => {
  const plan = planCommand({
    command: 'python3 t.py',
    params: { lr: 0.01, 'batch-size': 32 },
    env: { CUDA_VISIBLE_DEVICES: '0', RUNLENS_RUN_ID: 'spoofed', TAG: 'lr-{{params.lr}}', PYTHONUNBUFFERED: '0' },
  }, ctx);
  const env = plan.env;
  assert.equal(env.RUNLENS_RUN_ID, 'abc123');
  assert.equal(env.RUNLENS_STORE, '/ws/.runlens');
  assert.equal(env.RUNLENS_EXPERIMENT, 'churn');
  assert.equal(env.RUNLENS_CONFIG, '/ws/train/c.train.yaml');
  assert.equal(env.RUNLENS_PARAM_LR, '0.01');
  assert.equal(env.RUNLENS_PARAM_BATCH_SIZE, '32');
  assert.equal(env.CUDA_VISIBLE_DEVICES, '0');
  assert.equal(env.TAG, 'lr-0.01');
  assert.equal(env.PYTHONUNBUFFERED, '0', 'the config may turn unbuffered output off');
  assert.equal(env.PYTHONPATH, '/ext/python');
  assert.equal(env.HOME, '/home/u');
  assert.equal(env.RUNLENS_WORKER, undefined, 'the worker marker is not passed on');
  const withPath = planCommand({ command: 'p', env: { PYTHONPATH: 'src' } }, ctx).env;
  assert.equal(withPath.PYTHONPATH, `/ext/python${delimiter}src`);
  assert.equal(planCommand({ command: 'p' }, { ...ctx, baseEnv: {} }).env.PYTHONUNBUFFERED, '1');
});

test('{{python}}: RUNLENS_PYTHON, else python3 (python on Windows)', () => {
  assert.equal(defaultPython({ RUNLENS_PYTHON: ' /opt/py ' }, 'linux'), '/opt/py');
  assert.equal(defaultPython({}, 'linux'), 'python3');
  assert.equal(defaultPython({ RUNLENS_PYTHON: '' }, 'win32'), 'python');
});

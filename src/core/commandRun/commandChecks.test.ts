/** The command-run checks as an editor and the CLI see them: through parseConfigText, with positions. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfigText } from '../config/parseConfig';

function where(text: string, file = 'c.train.yaml'): string[] {
  return parseConfigText(text, file).diagnostics.map((d) => `${d.line}:${d.column}-${d.endLine}:${d.endColumn} ${d.severity === 'warning' ? 'warning: ' : ''}${d.message}`);
}

test('a complete command config is valid', () => {
  const text = [
    'experiment: churn',
    'command: "{{python}} train.py --epochs {{params.epochs}}"',
    'params: { epochs: 3, lr: 0.01 }',
    'args: "--{key}={value}"',
    'env: { RUN: "{{run_id}}" }',
    'cwd: scripts',
    'timeout: 60',
    'tags: { team: ml }',
    'sweep: { method: grid, params: { params.lr: [0.1, 0.01] }, metric: val_loss, goal: minimize }',
  ].join('\n');
  const parsed = parseConfigText(text, 'c.train.yaml');
  assert.deepEqual(where(text), []);
  assert.equal(parsed.config?.timeout, 60);
  assert.equal(parsed.config?.args, '--{key}={value}');
});

test('an unknown template is marked at its position in the command', () => {
  assert.deepEqual(where('command: python train.py --lr {{params.nope}}\nparams: { lr: 1 }\n'), [
    '1:31-1:46 {{params.nope}}: there is no param "nope" (params: lr)',
  ]);
  assert.deepEqual(where('command: "python a.py {{ pyhton }}"\n').map((l) => l.slice(0, 30)), ['1:23-1:35 unknown template {{p']);
  assert.deepEqual(where('command:\n  - python\n  - "--lr={{params.lr}}"\n'), ['3:11-3:24 {{params.lr}}: the config has no params (add params: { lr: … })']);
  assert.deepEqual(where('command: python a.py\nenv: { A: "x{{params.b}}" }\nparams: { a: 1 }\n'), ['2:13-2:25 {{params.b}}: there is no param "b" (params: a)']);
  assert.deepEqual(where('command: python a.py {{params.a\nparams: { a: 1 }\n'), ['1:22-1:24 "{{" is not closed with "}}"']);
});

test('an unquoted {{…}} gets one clear message, not a type error', () => {
  assert.deepEqual(where('command: {{python}}\n'), ['1:10-1:20 {{python}} must be quoted in YAML ("{{python}} …"); unquoted, YAML reads it as a mapping']);
  assert.deepEqual(where('command: {{python}} train.py\n'), [
    '1:21-1:29 unexpected scalar at node end; a value that starts with "{{" must be quoted in YAML, e.g. command: "{{python}} train.py"',
  ]);
});

test('command splitting errors and shell syntax', () => {
  assert.deepEqual(where('command: python train.py "unclosed\n'), ['1:26-1:35 command: unclosed double quote in command']);
  assert.deepEqual(where('command: python train.py > out.txt\n'), [
    '1:26-1:27 warning: ">" is passed to the program as an argument: RunLens runs no shell; to pipe or redirect, run a script (or write the command as [sh, -c, "…"])',
  ]);
  assert.deepEqual(where('command: "   "\n'), ['1:10-1:15 command is empty']);
  assert.deepEqual(where('command: ["", a.py]\n'), ['1:11-1:13 the program (the first item of command) is empty']);
  assert.deepEqual(where('command: 3\n'), ['1:10-1:11 command must be a non-empty string or a non-empty list of strings (got 3)']);
});

test('missing command (nor model) and wrong types are errors with positions', () => {
  assert.deepEqual(where('params: { lr: 1 }\n'), ['1:1-1:7 a config needs "model" and "data" (built-in training) or "command" (script run)']);
  assert.deepEqual(where('command: a\ntimeout: -1\nargs: 5\nparams: [1]\n'), [
    '2:10-2:12 timeout must be a number > 0 (got -1)',
    '3:7-3:8 args must be a non-empty string (got 5)',
    '4:9-4:12 params must be a mapping (got [1])',
  ]);
});

test('args must be set or a format with {value}', () => {
  assert.deepEqual(where('command: a\nargs: "--{key}"\nparams: { x: 1 }\n'), [
    '2:7-2:16 args is "set" (--set key=value per param) or a format with {key} and {value}, e.g. "--{key}={value}" (got "--{key}")',
  ]);
  assert.deepEqual(where('command: a\nargs: set\n'), ['2:1-2:5 warning: args has no params to pass: add params: { … }']);
});

test('a sweep of a command run needs its metric, and params.<key> paths', () => {
  assert.deepEqual(where('command: python a.py\nparams: { lr: 1 }\nsweep: { method: grid, params: { lr: [1, 2] } }\n'), [
    '3:1-3:6 a sweep of a command run needs sweep.metric: the metric the script logs that ranks the trials (e.g. metric: val_loss)',
    '3:34-3:36 sweep param "lr" is not a config setting: there is no top-level key "lr"; to sweep a param of the command, write params.lr',
  ]);
});

test('settings a command run ignores, or that only a command run uses, are warnings', () => {
  assert.deepEqual(where('command: a\ntask: regression\nevaluate: { cv: 3 }\n'), [
    '2:1-2:5 warning: task is not used by a command run (the script reads its own data)',
    '3:1-3:9 warning: evaluate is not used by a command run (the script reads its own data)',
  ]);
  assert.deepEqual(where('model: { type: mlp }\ndata: { path: a.csv, target: y }\ncwd: x\ntimeout: 3\n'), [
    '3:1-3:4 warning: cwd only applies to a command run (a config with command:)',
    '4:1-4:8 warning: timeout only applies to a command run (a config with command:)',
  ]);
  assert.deepEqual(where('command: a\nenv: { RUNLENS_STORE: /x }\n'), ['2:8-2:21 warning: env.RUNLENS_STORE is set by RunLens for every command run; this value is ignored']);
  assert.deepEqual(where('command: a\nparams: { batch-size: 1, batch_size: 2 }\n'), [
    '2:26-2:36 warning: params "batch-size" and "batch_size" both become the environment variable RUNLENS_PARAM_BATCH_SIZE; the script sees only "batch_size"',
  ]);
});

test('the same checks hold in JSON configs', () => {
  assert.deepEqual(where('{\n  "command": "python {{params.x}}"\n}\n', 'c.train.json'), ['2:22-2:34 {{params.x}}: the config has no params (add params: { x: … })']);
});

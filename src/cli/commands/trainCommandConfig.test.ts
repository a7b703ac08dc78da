/**
 * `runlens train` on command configs that fail, through the real CLI: the
 * exit code and stderr of the script, a missing program, a bad template.
 * (The examples/python configs: trainCommandExamples.test.ts.)
 */
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { makeWorkspace, runCli } from '../../../test/fixtures/workspace';

describe('runlens train on command configs', () => {
  const ws = makeWorkspace();
  after(() => ws.cleanup());

  test('a failing command exits 1 with its exit code and the end of its stderr', () => {
    ws.write('fails.train.yaml', `command: [${JSON.stringify(process.execPath)}, -e, "console.log('runlens: metric loss=0.5'); console.error('disk full'); process.exit(4)"]\n`);
    const r = runCli(ws.dir, ['train', 'fails.train.yaml']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^error: node exited with code 4: disk full$/m);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  });

  test('a program that does not exist is one line naming it', () => {
    ws.write('missing.train.yaml', 'command: no-such-trainer --epochs 3\n');
    const r = runCli(ws.dir, ['train', 'missing.train.yaml']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`^error: command not found: no-such-trainer \\(cwd ${ws.dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\)$`, 'm'));
  });

  test('a bad template is reported at its line and column before anything runs', () => {
    ws.write('typo.train.yaml', 'params: { lr: 0.1 }\ncommand: python3 train.py --lr {{params.lr}} --bs {{params.batch}}\n');
    const r = runCli(ws.dir, ['train', 'typo.train.yaml']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /typo\.train\.yaml:2:51: \{\{params\.batch\}\}: there is no param "batch" \(params: lr\)/);
  });
});

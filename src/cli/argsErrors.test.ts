import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseArgs } from 'node:util';
import { describeArgsError, flagsOf } from './argsErrors';
import { makeWorkspace, runCli } from '../../test/fixtures/workspace';

const USAGE = 'train <config> [--set k=v ...] [--gate QUERY] [--name N] [--json]';

/** The error util.parseArgs really throws for `args`. */
function parseError(args: string[], allowPositionals = true): unknown {
  try {
    parseArgs({ args, allowPositionals, options: { set: { type: 'string', multiple: true }, json: { type: 'boolean' } } });
  } catch (e) {
    return e;
  }
  assert.fail(`parseArgs accepted ${args.join(' ')}`);
}

test('the flags of a usage line', () => {
  assert.deepEqual(flagsOf(USAGE), ['--set', '--gate', '--name', '--json']);
});

test('a misspelt flag: one line with the closest flag and where help is', () => {
  assert.equal(describeArgsError(parseError(['--sett', 'x=1']), 'train', USAGE),
    'unknown option --sett for runlens train; did you mean --set? (runlens train --help)');
  assert.equal(describeArgsError(parseError(['--sett=x=1']), 'train', USAGE),
    'unknown option --sett for runlens train; did you mean --set? (runlens train --help)');
  assert.equal(describeArgsError(parseError(['--frobnicate']), 'train', USAGE),
    'unknown option --frobnicate for runlens train (runlens train --help)');
});

test('a missing value, a value on a switch and a stray argument', () => {
  assert.equal(describeArgsError(parseError(['--set']), 'train', USAGE), 'option --set needs a value (runlens train --help)');
  assert.equal(describeArgsError(parseError(['--json=yes']), 'train', USAGE), 'option --json takes no value (runlens train --help)');
  assert.equal(describeArgsError(parseError(['extra'], false), 'gc', 'gc [--dry-run]'), 'unexpected argument extra for runlens gc (runlens gc --help)');
});

test('other errors are left to the caller', () => {
  assert.equal(describeArgsError(new Error('boom'), 'train', USAGE), undefined);
  assert.equal(describeArgsError(undefined, 'train', USAGE), undefined);
});

test('the real CLI: every command says it the same way, exit 2', (t) => {
  const ws = makeWorkspace();
  t.after(() => ws.cleanup());
  const train = runCli(ws.dir, ['train', 'iris.train.yaml', '--sett', 'model.params.max_depth=2']);
  assert.equal(train.code, 2);
  assert.equal(train.stderr, 'error: unknown option --sett for runlens train; did you mean --set? (runlens train --help)\n');
  const runs = runCli(ws.dir, ['runs', '--lmit', '3']);
  assert.equal(runs.code, 2);
  assert.equal(runs.stderr, 'error: unknown option --lmit for runlens runs; did you mean --limit? (runlens runs --help)\n');
  const global = runCli(ws.dir, ['--stor', 'x', 'runs']);
  assert.equal(global.code, 2);
  assert.match(global.stderr, /^error: unknown option --stor; did you mean --store\?\n/);
});

/**
 * `runlens smoke` through the real CLI: train and register iris with the
 * CLI, then smoke-test it. With no image built, the build context's server
 * answers (a real child process, real HTTP) and the output says so; the
 * exit code follows --min-match; bad input is one line and exit 2. The
 * image itself answering is tested in src/deploy/build/imageBuild.test.ts.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../../../test/fixtures/workspace';
import { registeredCliWorkspace } from '../../deploy/build/testing/buildFixtures';

let ws: Awaited<ReturnType<typeof registeredCliWorkspace>>;
let env: NodeJS.ProcessEnv;

before(async () => {
  ws = await registeredCliWorkspace();
  env = ws.env;
});
after(() => ws.cleanup());

test('no image built: the build context answers; the table, the count and the reason are printed; exit 0', () => {
  const r = runCli(ws.dir, ['smoke', 'iris@production', '--rows', '12'], env);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.split('\n');
  assert.match(lines[0]!, /^iris@production: 12 rows of data\/iris\.csv \(the run's (test|training) data/);
  assert.match(lines[1]!, /^server: node server\/serve\.js model\/model\.json --port 0 --host 127\.0\.0\.1 in \S+\/\.runlens\/builds\/iris-1 \(the image's own files, on this machine's Node: no image has been built for this version yet/);
  assert.match(r.stdout, /^line\s+expected\s+predicted\s+match$/m);
  const data = lines.filter((l) => /^\s*\d+\s+(setosa|versicolor|virginica)\s/.test(l));
  assert.equal(data.length, 12);
  const m = /^(\d+)\/12 predictions match the labels \(the build context, \d+\.\d s\)$/m.exec(r.stdout);
  assert.ok(m, r.stdout);
  assert.equal(Number(m[1]), data.filter((l) => /\syes$/.test(l)).length);
});

test('--json gives the view with the target and the verdict; --min-match 1 fails when a row misses', () => {
  // every row of the file: the fixture's tree fits iris to about 97%, so a few rows miss
  const r = runCli(ws.dir, ['smoke', 'iris:1', '--json', '--rows', '150'], env);
  assert.equal(r.code, 0, r.stderr);
  const view = JSON.parse(r.stdout) as { target: string; image: unknown; rows: { match: boolean }[]; matches: number; passed: boolean; minMatch: number };
  assert.equal(view.target, 'context');
  assert.equal(view.image, null);
  assert.equal(view.rows.length, 150);
  assert.equal(view.matches, view.rows.filter((row) => row.match).length);
  assert.ok(view.matches >= 140 && view.matches < 150, `${view.matches}/150 matched`);
  assert.deepEqual([view.minMatch, view.passed], [0, true]);
  const strict = runCli(ws.dir, ['smoke', 'iris:1', '--rows', '150', '--min-match', '1'], env);
  assert.equal(strict.code, 1);
  assert.equal(strict.stderr, `error: ${view.matches}/150 match, below --min-match 1\n`);
  const lenient = runCli(ws.dir, ['smoke', 'iris:1', '--rows', '150', '--min-match', '0.9'], env);
  assert.equal(lenient.code, 0, lenient.stderr);
});

test('--target image without a built image is refused with the reason, exit 1; bad flags exit 2 in one line', () => {
  const image = runCli(ws.dir, ['smoke', 'iris', '--target', 'image'], env);
  assert.equal(image.code, 1);
  assert.equal(image.stderr, 'error: cannot smoke-test the image of iris: no image has been built for this version yet (Build image, or `runlens build`)\n');
  for (const [args, message] of [
    [['smoke', 'iris', '--target', 'vm'], 'error: --target is one of auto, image, context, not "vm"\n'],
    [['smoke', 'iris', '--min-match', '90'], 'error: --min-match takes a fraction from 0 to 1, not "90"\n'],
    [['smoke', 'iris', '--rows', '0'], 'error: --rows takes a whole number from 1 to 10000, not "0"\n'],
  ] as const) {
    const r = runCli(ws.dir, [...args], env);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stderr, message);
  }
  const unknown = runCli(ws.dir, ['smoke', 'nosuchmodel'], env);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /^error: .*nosuchmodel.*\n$/);
});

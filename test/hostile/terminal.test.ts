/**
 * #12 item 8: text from data never reaches the terminal raw. A CSV header
 * with an OSC title escape, a run name with ESC[2J, a tag with a bidi
 * override and CR: the real CLI prints them as visible escapes
 * (`\u001b`, `\u202e`, `\r`), and --json still gives them back exactly.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { makeWorkspace, runCli } from '../fixtures/workspace';

/** What may not be printed: C0 but tab and newline, DEL, C1, bidi controls. */
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

function assertNoRawControl(text: string, what: string): void {
  const m = RAW_CONTROL.exec(text);
  assert.equal(m, null, `${what} printed U+${m?.[0].charCodeAt(0).toString(16).padStart(4, '0')} raw at ${m?.index}: ${JSON.stringify(text.slice(Math.max(0, (m?.index ?? 0) - 40), (m?.index ?? 0) + 20))}`);
}

const OSC_COLUMN = 'sp\x1b]0;pwned\x07ecies';

function evilCsv(dir: string): void {
  const iris = fs.readFileSync(path.join(dir, 'data', 'iris.csv'), 'utf8').split('\n');
  iris[0] = `sepal_length,sepal_width,petal_length,petal_width,${OSC_COLUMN}`;
  fs.writeFileSync(path.join(dir, 'data', 'evil.csv'), iris.join('\n'));
}

test('a CSV header with an OSC title escape: the error, show and dataset show print it escaped, no ESC or BEL byte', (t) => {
  const ws = makeWorkspace();
  t.after(ws.cleanup);
  evilCsv(ws.dir);
  const config = fs.readFileSync(path.join(ws.dir, 'iris.train.yaml'), 'utf8').replace('data/iris.csv', 'data/evil.csv');
  ws.write('evil.train.yaml', config);
  // The target is not there: the error lists the columns, the header among them.
  const failed = runCli(ws.dir, ['train', 'evil.train.yaml']);
  assert.equal(failed.code, 1);
  assertNoRawControl(failed.stderr, 'train error');
  assert.match(failed.stderr, /error: data\/evil\.csv: target column "species" not found; the columns are: .*sp\\u001b\]0;pwned\\u0007ecies/);
  const runs = JSON.parse(runCli(ws.dir, ['runs', '--json']).stdout) as { id: string }[];
  const shown = runCli(ws.dir, ['show', runs[0]!.id]);
  assert.equal(shown.code, 0, shown.stderr);
  assertNoRawControl(shown.stdout, 'show');
  assert.match(shown.stdout, /status +failed — .*sp\\u001b\]0;pwned\\u0007ecies/);

  // The header as the target: training works; its columns table and the run's params show the name escaped.
  ws.write('evil2.train.yaml', config.replace(/target: \w+/, 'target: "sp\\e]0;pwned\\aecies"'));
  const trained = runCli(ws.dir, ['train', 'evil2.train.yaml', '--json']);
  assert.equal(trained.code, 0, trained.stderr);
  const id = (JSON.parse(trained.stdout) as { id: string }).id;
  const params = runCli(ws.dir, ['show', id]);
  assertNoRawControl(params.stdout, 'show');
  assert.match(params.stdout, /^target +sp\\u001b\]0;pwned\\u0007ecies$/m);
  const fingerprint = (JSON.parse(runCli(ws.dir, ['show', id, '--json']).stdout) as { inputs: { fingerprint: string }[] }).inputs[0]!.fingerprint;
  const columns = runCli(ws.dir, ['dataset', 'show', fingerprint]);
  assert.equal(columns.code, 0, columns.stderr);
  assertNoRawControl(columns.stdout, 'dataset show');
  assert.match(columns.stdout, /^sp\\u001b\]0;pwned\\u0007ecies +categorical/m);
  // --json keeps the exact value.
  const json = JSON.parse(runCli(ws.dir, ['dataset', 'show', fingerprint, '--json']).stdout) as { schema: { name: string }[] };
  assert.ok(json.schema.some((c) => c.name === OSC_COLUMN));
});

test('a run name with ESC[2J and a tag with a bidi override and CR: runs, show and the progress lines print them escaped; --json exact', (t) => {
  const ws = makeWorkspace();
  t.after(ws.cleanup);
  const name = 'evil\x1b[2J';
  const note = 'safe\u202Etxt.exe\rgone\x9b\x7f';
  const trained = runCli(ws.dir, ['train', 'iris.train.yaml', '--name', name, '--tag', `note=${note}`]);
  assert.equal(trained.code, 0, trained.stderr);
  assertNoRawControl(trained.stdout, 'train');
  assertNoRawControl(trained.stderr, 'train progress');
  assert.match(trained.stderr, /^iris · evil\\u001b\[2J: started/m);
  assert.match(trained.stdout, /^run evil\\u001b\[2J \(\w+\) finished$/m);

  const runs = runCli(ws.dir, ['runs']);
  assertNoRawControl(runs.stdout, 'runs');
  assert.match(runs.stdout, /^\w{8} +iris +evil\\u001b\[2J +finished /m);
  // The columns still line up: the header's "name" column is as wide as the escaped name.
  const [header, rule] = runs.stdout.split('\n');
  assert.equal(rule!.split('  ')[2]!.length, 'evil\\u001b[2J'.length, header);

  const shown = runCli(ws.dir, ['show', name]);
  assertNoRawControl(shown.stdout, 'show');
  assert.match(shown.stdout, /^note +safe\\u202etxt\.exe\\rgone\\u009b\\u007f$/m);

  const json = JSON.parse(runCli(ws.dir, ['show', name, '--json']).stdout) as { name: string; tags: Record<string, string> };
  assert.equal(json.name, name);
  assert.equal(json.tags.note, note);
});

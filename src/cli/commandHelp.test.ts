import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { helpText, usageLine } from './commandHelp';
import { COMMAND_SPECS } from './commandSpecs';
import { main } from './main';

const SPEC = { args: '<config>', about: 'train a config', flags: [{ flag: '--set k=v ...', about: 'override a value' }, { flag: '--json', about: 'print JSON' }] };

test('the usage line and --help come from one table', () => {
  assert.equal(usageLine('train', SPEC), 'train <config> [--set k=v ...] [--json]   (train a config)');
  assert.equal(helpText('train', SPEC), [
    'usage: runlens train <config> [options]', '', 'train a config', '', 'options:',
    '  --set k=v ...  override a value',
    '  --json         print JSON',
  ].join('\n'));
});

/** The source files of the commands, and the commands each one holds. */
const FILES: Readonly<Record<string, readonly string[]>> = {
  train: ['train'], sweep: ['sweep'], runs: ['runs'], show: ['show'], compare: ['compare'], metrics: ['metrics'],
  manage: ['experiments', 'delete', 'gc'], doctor: ['doctor'], push: ['push'], pull: ['pull'], datasets: ['datasets', 'dataset'],
  diff: ['diff'], serve: ['serve'], models: ['models', 'model'], exportMlflowModel: ['model'], init: ['init'],
  mlflow: ['import', 'export', 'server'], build: ['build'], baseImage: ['base-image'], smoke: ['smoke'], monitor: ['monitor'],
  jobs: ['jobs'], logs: ['logs'], cancel: ['cancel'], report: ['report'],
};

test('every option a command parses is in its table, and the table names no other', () => {
  assert.deepEqual(new Set(Object.values(FILES).flat()), new Set(Object.keys(COMMAND_SPECS)), 'a command without a table, or a table without a command');
  for (const [file, commands] of Object.entries(FILES)) {
    const source = readFileSync(join(__dirname, 'commands', `${file}.ts`), 'utf8');
    const parsed = new Set([...source.matchAll(/['"]?([a-z][a-z-]*)['"]?: \{ type: '(?:string|boolean)'/g)].map((m) => `--${m[1]}`));
    if (source.includes('...SERVER_OPTION')) parsed.add('--server');
    const documented = new Set(commands.flatMap((c) => COMMAND_SPECS[c]!.flags.map((f) => /^--[a-z-]+/.exec(f.flag)![0])));
    for (const flag of parsed) assert.ok(documented.has(flag), `${flag} of ${file}.ts is not in the table of ${commands.join('/')}`);
    // A shared file (manage.ts) only bounds the union; a command's own file bounds exactly.
    if (commands.length === 1 && file !== 'models' && file !== 'exportMlflowModel') {
      for (const flag of documented) assert.ok(parsed.has(flag), `runlens ${commands[0]} documents ${flag}, which ${file}.ts does not parse`);
    }
  }
});

test('runlens <command> --help prints the table; the usage lists every command', async () => {
  let out = '';
  const io = { out: (t: string) => (out += t), err: () => {}, cwd: __dirname, env: { RUNLENS_STORE: join(__dirname, 'no-store') }, interactive: false };
  assert.equal(await main(['serve', '--help'], io), 0);
  assert.match(out, /^usage: runlens serve <model>\[@alias\|:version\] \| <run> \[options\]\n/);
  assert.match(out, /\n {2}--max-body-bytes N +refuse request bodies larger than N bytes/);
  out = '';
  assert.equal(await main(['--help'], io), 0);
  for (const name of Object.keys(COMMAND_SPECS)) assert.match(out, new RegExp(`\\n  runlens ${name} `), name);
});

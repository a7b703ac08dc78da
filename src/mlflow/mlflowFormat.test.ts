import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { invalidKeyReason, pythonNormpath } from './mlflowFormat';

test('unicode keys are valid, as in MLflow; bad characters and names that resolve elsewhere are not', () => {
  for (const ok of ['café', 'ключ', '日本語', 'val/loss', 'model.params.max_depth', 'a-b_c.d e/f', '½', '𝔘'.repeat(250)]) {
    assert.equal(invalidKeyReason('parameter', ok), undefined, ok);
  }
  assert.equal(invalidKeyReason('metric', 'a:b'),
    "Invalid metric name: 'a:b'. Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), and slashes (/).");
  assert.equal(invalidKeyReason('tag', 'a//b'),
    "Invalid tag name: 'a//b'. Names may be treated as files in certain cases, and must not resolve to other names when treated as such. This name would resolve to 'a/b'");
  assert.match(invalidKeyReason('parameter', '..a')!, /would resolve to '\.\.a'$/);
  assert.match(invalidKeyReason('parameter', '')!, /would resolve to '\.'$/);
  // A combining accent (NFD "café") is a mark, not a letter: MLflow refuses it too.
  assert.match(invalidKeyReason('parameter', 'cafe\u0301')!, /Names may only contain/);
  // Python's `$` would also accept a trailing newline; a key with one is refused here.
  assert.match(invalidKeyReason('parameter', 'a\n')!, /Names may only contain/);
  assert.equal(invalidKeyReason('parameter', 'é'.repeat(251)), `Param key '${'é'.repeat(250)}' had length 251, which exceeded length limit of 250`);
});

test('pythonNormpath is posixpath.normpath', () => {
  const cases: [string, string][] = [['', '.'], ['a/./b/', 'a/b'], ['a/../..', '..'], ['/../a', '/a'], ['//a', '//a'], ['///a', '/a'], ['..a', '..a'], ['a/..', '.']];
  for (const [p, expected] of cases) assert.equal(pythonNormpath(p), expected, p);
});

/** Where MLflow 2.12's source is unpacked (the tests of src/remote install it; the brief's copy lives in ~/.cache). */
function mlflowValidationSource(): string | undefined {
  const roots = [process.env.RUNLENS_MLFLOW_PYTHONPATH, '/root/.cache/mlflow-2.12', path.join(__dirname, '..', '..', 'test', '.cache', 'mlflow')];
  return roots.map((r) => r && path.join(r, 'mlflow', 'utils', 'validation.py')).find((f) => f !== undefined && fs.existsSync(f));
}

/**
 * Runs MLflow's own `_validate_{metric,param,tag}_name` and key length check,
 * taken out of validation.py with `ast` (importing mlflow needs protobuf and
 * more), on each name; prints the message of the exception or "".
 */
const PYTHON = String.raw`
import ast, json, posixpath, re, sys
src = open(sys.argv[1]).read()
keep = {'_VALID_PARAM_AND_METRIC_NAMES', '_BAD_CHARACTERS_MESSAGE', '_MISSING_KEY_NAME_MESSAGE', 'bad_path_message', 'path_not_unique',
        '_validate_metric_name', '_validate_param_name', '_validate_tag_name', '_validate_length_limit', 'MAX_ENTITY_KEY_LENGTH'}
nodes = [n for n in ast.parse(src).body if (isinstance(n, ast.FunctionDef) and n.name in keep)
         or (isinstance(n, ast.Assign) and any(getattr(t, 'id', None) in keep for t in n.targets))]
class MlflowException(Exception):
    def __init__(self, message, error_code=None, **kw):
        super().__init__(message)
ns = {'re': re, 'posixpath': posixpath, 'MlflowException': MlflowException, 'INVALID_PARAMETER_VALUE': 'INVALID_PARAMETER_VALUE'}
exec(compile(ast.Module(body=nodes, type_ignores=[]), 'validation.py', 'exec'), ns)
limit = ns.get('MAX_ENTITY_KEY_LENGTH', 250)
checks = {'metric': ('_validate_metric_name', 'Metric name'), 'parameter': ('_validate_param_name', 'Param key'), 'tag': ('_validate_tag_name', 'Tag key')}
out = []
for kind, name in json.load(sys.stdin):
    fn, label = checks[kind]
    try:
        ns[fn](name)
        ns['_validate_length_limit'](label, limit, name)
        out.append('')
    except MlflowException as e:
        out.append(str(e))
print(json.dumps(out))
`;

test('key validation matches MLflow 2.12\'s own functions, message for message', (t) => {
  const source = mlflowValidationSource();
  if (!source) {
    t.skip('MLflow 2.12 source not found (set RUNLENS_MLFLOW_PYTHONPATH to the folder holding the mlflow package)');
    return;
  }
  const names = ['café', 'ключ', '日本語', '١٢٣', '½', 'Ⅻ', '𝔘', 'cafe\u0301', 'a b', 'a-b_c.d', "it's", 'a%b', 'a:b', 'tab\tkey', 'nul\0',
    '', '.', '..', '..a', 'a..b', '/a', '//a', 'a/', 'a//b', 'a/./b', 'a/../b', './a', 'val/loss', 'x'.repeat(250), 'x'.repeat(251),
    'é'.repeat(251), '𝔘'.repeat(250), '𝔘'.repeat(251)];
  const cases = (['metric', 'parameter', 'tag'] as const).flatMap((kind) => names.map((n) => [kind, n] as const));
  const r = spawnSync('python3', ['-c', PYTHON, source], { input: JSON.stringify(cases), encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const mlflow = JSON.parse(r.stdout) as string[];
  const ours = cases.map(([kind, n]) => invalidKeyReason(kind, n) ?? '');
  assert.deepEqual(ours, mlflow);
});

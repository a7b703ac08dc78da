/**
 * The layer rules are lint errors: ESLint with the project's own config on
 * small sources placed (by path, not on disk) in each layer, importing real
 * files. A resolver that stopped resolving would make every zone pass
 * silently; the forbidden cases below fail then.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ESLint } from 'eslint';

const root = join(__dirname, '..', '..');
const eslint = new ESLint({ cwd: root });

async function layerErrors(file: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath: join(root, file) });
  return result!.messages.filter((m) => m.ruleId === 'import-x/no-restricted-paths').map((m) => m.message);
}

test('core imports nothing above it', async () => {
  const errors = await layerErrors('src/core/layerProbe.ts', "import { RunStore } from '../store/runStore';\nexport const x = RunStore;\n");
  assert.equal(errors.length, 1);
  assert.match(errors[0]!, /src\/core may import only itself/);
});

test('the store imports only the core', async () => {
  assert.deepEqual(await layerErrors('src/store/layerProbe.ts', "import type { FilterExpr } from '../core/query/ast';\nexport type X = FilterExpr;\n"), []);
  const errors = await layerErrors('src/store/layerProbe.ts', "import { runContainerBuild } from '../deploy/build/buildRunner';\nexport const x = runContainerBuild;\n");
  assert.equal(errors.length, 1);
  assert.match(errors[0]!, /src\/store may import only src\/core/);
});

test('nothing imports src/extension but src/extension, tests included', async () => {
  for (const file of ['src/views/layerProbe.ts', 'src/cli/layerProbe.ts', 'src/views/layerProbe.test.ts']) {
    const errors = await layerErrors(file, "import { activate } from '../extension/extension';\nexport const x = activate;\n");
    assert.ok(errors.some((m) => m.startsWith('Unexpected path "../extension/extension"') && m.includes('Only src/extension imports src/extension')), `${file}: ${errors.join('; ')}`);
  }
  assert.deepEqual(await layerErrors('src/extension/layerProbe.ts', "import { activate } from './extension';\nexport const x = activate;\n"), []);
});

test('a page imports only the protocol, webview/ and src/views', async () => {
  const errors = await layerErrors('webview/compare/layerProbe.ts', "import { RunStore } from '../../src/store/runStore';\nexport const x = RunStore;\n");
  assert.equal(errors.length, 1);
  assert.match(errors[0]!, /A page imports only src\/protocol/);
  assert.deepEqual(await layerErrors('webview/compare/layerProbe.ts', "import type { XAxisMode } from '../../src/protocol/compare';\nexport type X = XAxisMode;\n"), []);
});

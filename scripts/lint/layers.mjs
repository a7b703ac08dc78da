// The layer map of docs/ARCHITECTURE.md as data: which top-level folders each
// layer's product code may import. eslint.config.mjs turns it into
// import-x/no-restricted-paths zones (imports resolved to files, so a feature
// folder named like a layer, such as src/views/deploy, is never mistaken for
// src/deploy), and layers.test.ts checks that a forbidden import is an error.
//
// Tests and test helpers (`*.test.ts`, `testing/` folders) are held only to
// the two rules that matter for them: nothing imports src/extension from
// outside it, and pages stay pages.

/** Layer → the layers its product code may import (itself always). */
export const LAYERS = {
  core: [],
  git: ['core'],
  http: ['core'],
  protocol: ['core'],
  store: ['core'],
  datasets: ['core', 'store', 'git'],
  worker: ['core', 'store', 'git', 'datasets'],
  deploy: ['core', 'store', 'git', 'datasets', 'worker', 'http', 'protocol', 'views'],
  mlflow: ['core', 'store', 'git', 'datasets', 'deploy', 'http', 'tracking'],
  tracking: ['core', 'store', 'git', 'datasets', 'deploy', 'http', 'mlflow'],
  install: ['core', 'deploy'],
  compute: ['core', 'store', 'git', 'datasets', 'worker', 'tracking'],
  views: ['core', 'protocol', 'store', 'git', 'datasets', 'worker', 'deploy', 'http', 'mlflow', 'tracking', 'compute'],
  cli: ['core', 'store', 'git', 'datasets', 'worker', 'deploy', 'http', 'mlflow', 'tracking', 'install', 'views', 'protocol', 'compute'],
  extension: ['core', 'store', 'git', 'datasets', 'worker', 'deploy', 'http', 'mlflow', 'tracking', 'install', 'views', 'protocol', 'compute'],
};

/** What a page (webview/) may import besides webview/ itself. */
export const PAGE_IMPORTS = ['protocol', 'views'];

const TEST_FILES = ['**/*.test.ts', '**/testing/**'];

const layerDir = (name) => `./src/${name}`;

/** The zones for product code: every layer against every layer it may not import. */
export function productZones() {
  const names = Object.keys(LAYERS);
  const zones = [];
  for (const [layer, allowed] of Object.entries(LAYERS)) {
    const forbidden = names.filter((n) => n !== layer && !allowed.includes(n));
    if (forbidden.length === 0) continue;
    zones.push({
      target: layerDir(layer),
      from: forbidden.map(layerDir),
      message: `src/${layer} may import only ${allowed.length ? allowed.map((a) => `src/${a}`).join(', ') : 'itself'} (docs/ARCHITECTURE.md, Layers).`,
    });
  }
  zones.push({
    target: './webview',
    from: names.filter((n) => !PAGE_IMPORTS.includes(n)).map(layerDir),
    message: 'A page imports only src/protocol, webview/ and the import-free helpers of src/views (docs/ARCHITECTURE.md, Layers).',
  });
  return zones;
}

/** The zones every file is held to, tests included. */
export function everywhereZones() {
  return [
    {
      target: [...Object.keys(LAYERS).filter((n) => n !== 'extension').map(layerDir), './webview', './scripts'],
      from: layerDir('extension'),
      message: 'Only src/extension imports src/extension: it is the one layer that touches the VS Code API.',
    },
  ];
}

export { TEST_FILES };

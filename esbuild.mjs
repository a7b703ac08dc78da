// Bundles the extension, the trainer worker and the CLI for Node (CommonJS,
// better-sqlite3 and vscode external), and each webview for the browser.
import * as esbuild from 'esbuild';
import { existsSync, readdirSync, readFileSync, mkdirSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');
const root = new URL('.', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

const nodeEntries = {
  extension: 'src/extension/extension.ts',
  worker: 'src/worker/trainerWorker.ts',
  cli: 'src/cli/main.ts',
  // The report's chart renderer, vega and vega-lite inside (src/views/report/svgCharts.ts finds it beside the bundle):
  // loaded when a report draws a chart, so the extension and the CLI do not parse ~0.9 MB of vega at every start.
  reportCharts: 'src/views/report/vegaSvg.ts',
  // The dataset diff's CSV scanner on a worker thread (src/core/datasetDiff/csvSource.ts finds it beside the bundle).
  scanWorker: 'src/core/datasetDiff/scanWorker.ts',
  // Half of a large multinomial logistic fit's rows on a worker thread (src/core/models/parallelMultinomial.ts finds it beside the bundle).
  logisticWorker: 'src/core/models/logisticWorker.ts',
  // The editor opens and checks a store on a worker thread first (src/store/storeCheck.ts finds it beside the bundle).
  storeCheckWorker: 'src/store/storeCheckWorker.ts',
  // Stands between a build's owner and the container CLI (src/deploy/build/guardedSpawn.ts finds it beside the bundle).
  buildGuard: 'src/deploy/build/buildGuard.ts',
  // What the extension starts as child processes (Serve Locally, the MLflow tracking server): small, no tfjs.
  tools: 'src/cli/editorTools.ts',
  serve: 'src/deploy/serve/serveMain.ts',
};
const present = Object.fromEntries(Object.entries(nodeEntries).filter(([, p]) => existsSync(join(root, p))));
// The model server (serve.js, also shipped inside `runlens build` images) never loads TensorFlow.js:
// an MLP predicts in plain JS from its saved weights; tfjs is required only to fit. Bundled on its
// own without it, serve.js is ~150 KB instead of ~5 MB.
const { serve: serveEntry, tools: toolsEntry, reportCharts: reportChartsEntry, ...appEntries } = present;
// The editor's tools bundle (serve + the MLflow tracking server) is built the same way: no TensorFlow.js.
const lightEntries = { ...(serveEntry ? { serve: serveEntry } : {}), ...(toolsEntry ? { tools: toolsEntry } : {}) };

const common = {
  bundle: true,
  sourcemap: !production,
  minify: production,
  logLevel: 'info',
  define: { __RUNLENS_VERSION__: JSON.stringify(pkg.version) },
};

const node = {
  ...common,
  entryPoints: appEntries,
  outdir: join(root, 'dist'),
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  // vega only in reportCharts.js (reportChartsNode); the other bundles load that file, their import('vega') is the tsx path.
  external: ['vscode', 'better-sqlite3', '@tensorflow/tfjs-node', 'tsx', 'vega', 'vega-lite'],
  // Lets the extension report how long loading its bundle took (activation budget).
  banner: { js: '"use strict";var __runlensLoadStart = typeof performance === "object" ? performance.now() : 0;' },
};

const serveNode = { ...node, entryPoints: lightEntries, external: [...node.external, '@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm'] };

// The report's chart renderer on its own, with vega inside. vega is ESM; its node-canvas probe is a top-level await,
// which a CommonJS bundle cannot hold: the browser build of the probe finds no DOM canvas, and vega measures text by
// estimate, as it does wherever node-canvas is not installed.
const reportChartsNode = {
  ...node,
  entryPoints: reportChartsEntry ? { reportCharts: reportChartsEntry } : {},
  external: node.external.filter((name) => !name.startsWith('vega')),
  alias: { 'vega-canvas': join(root, 'node_modules', 'vega-canvas', 'build', 'vega-canvas.browser.js') },
};

const webviewDir = join(root, 'webview');
const webviewEntries = existsSync(webviewDir)
  ? Object.fromEntries(
      readdirSync(webviewDir)
        .filter((name) => existsSync(join(webviewDir, name, 'main.ts')))
        .map((name) => [name, join(webviewDir, name, 'main.ts')]),
    )
  : {};

const web = {
  ...common,
  entryPoints: webviewEntries,
  outdir: join(root, 'dist', 'webview'),
  platform: 'browser',
  target: 'es2022',
  format: 'iife',
  loader: { '.css': 'text' },
};

/** tfjs's wasm backend loads its binaries from dist/wasm (see src/core/models/mlp/tfjsRuntime.ts). */
function copyWasm() {
  const src = join(root, 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist');
  const dest = join(root, 'dist', 'wasm');
  mkdirSync(dest, { recursive: true });
  for (const f of ['tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm.wasm']) copyFileSync(join(src, f), join(dest, f));
  // parquet-wasm (src/core/data/parquetWasm.ts) loads its module from beside the bundle that requires it.
  copyFileSync(join(root, 'node_modules', 'parquet-wasm', 'node', 'parquet_wasm_bg.wasm'), join(root, 'dist', 'parquet_wasm_bg.wasm'));
}

function copyCodicons() {
  const src = join(root, 'node_modules', '@vscode', 'codicons', 'dist');
  if (!existsSync(src)) return;
  const dest = join(root, 'dist', 'codicons');
  mkdirSync(dest, { recursive: true });
  for (const f of ['codicon.css', 'codicon.ttf']) copyFileSync(join(src, f), join(dest, f));
}

const builds = [node, ...(Object.keys(lightEntries).length ? [serveNode] : []), ...(reportChartsEntry ? [reportChartsNode] : []), ...(Object.keys(webviewEntries).length ? [web] : [])];
if (watch) {
  for (const options of builds) await (await esbuild.context(options)).watch();
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
  copyCodicons();
  copyWasm();
}

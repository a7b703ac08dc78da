/**
 * Where code lives (docs/ARCHITECTURE.md, Layers), checked on the files
 * themselves rather than through lint settings:
 * - a page (webview/) imports only webview/, src/protocol and the page-safe
 *   modules of src/views: those that import nothing but src/protocol and
 *   other page-safe views modules (no store, no core, no package), so a page
 *   never bundles the store's or the core's code or types by way of a view;
 * - every file under src/extension touches the VS Code API: it imports
 *   vscode, or it is glue over the editor's own services (it imports another
 *   src/extension module, which nothing outside src/extension may import);
 *   vscode-free code lives in src/views/<feature> (or its layer), where plain
 *   Node tests reach it.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';

const root = resolve(__dirname, '..', '..');
const rel = (file: string) => relative(root, file).split('\\').join('/');

function tsFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) tsFiles(p, out);
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** Every module specifier of a file: `import … from`, `export … from`, side-effect `import '…'`, `import('…')`. */
export function specifiers(source: string): string[] {
  const text = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const found: string[] = [];
  for (const re of [/\b(?:import|export)\b[^'";]*?\bfrom\s*['"]([^'"]+)['"]/g, /\bimport\s*['"]([^'"]+)['"]/g, /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g]) {
    for (const m of text.matchAll(re)) found.push(m[1]!);
  }
  return found;
}

/** The file a relative specifier names (`./x` → x.ts or x/index.ts); undefined for a package. */
function resolveRelative(from: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  const base = resolve(dirname(from), spec);
  for (const candidate of [`${base}.ts`, join(base, 'index.ts'), base]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  throw new Error(`${rel(from)}: cannot resolve ${spec}`);
}

const under = (file: string, dir: string) => rel(file).startsWith(`${dir}/`);

/** Why a src/views module is not page-safe, or null when it is (memoised; cycles count as safe). */
function pageUnsafeReason(file: string, seen = new Map<string, string | null>()): string | null {
  if (seen.has(file)) return seen.get(file)!;
  seen.set(file, null);
  let reason: string | null = null;
  for (const spec of specifiers(readFileSync(file, 'utf8'))) {
    const target = resolveRelative(file, spec);
    if (!target) reason = `imports the package ${spec}`;
    else if (under(target, 'src/protocol')) continue;
    else if (!under(target, 'src/views')) reason = `imports ${rel(target)}`;
    else {
      const inner = pageUnsafeReason(target, seen);
      if (inner) reason = `imports ${rel(target)}, which ${inner}`;
    }
    if (reason) break;
  }
  seen.set(file, reason);
  return reason;
}

/** Packages a page never bundles: the editor API, Node's own modules, the database. */
const NOT_FOR_PAGES = /^(vscode|node:.*|better-sqlite3|fs|path|child_process|crypto|os)$/;

/** What is wrong with a page file's imports (empty: nothing). */
export function pageImportProblems(file: string): string[] {
  const problems: string[] = [];
  for (const spec of specifiers(readFileSync(file, 'utf8'))) {
    const target = resolveRelative(file, spec);
    if (!target) {
      if (NOT_FOR_PAGES.test(spec)) problems.push(`${rel(file)} imports ${spec}`);
      continue;
    }
    if (under(target, 'webview') || under(target, 'src/protocol')) continue;
    if (!under(target, 'src/views')) {
      problems.push(`${rel(file)} imports ${rel(target)} (a page imports only webview/, src/protocol and page-safe src/views modules)`);
      continue;
    }
    const reason = pageUnsafeReason(target);
    if (reason) problems.push(`${rel(file)} imports ${rel(target)}, which ${reason}`);
  }
  return problems;
}

const importsVscode = (source: string) => specifiers(source).includes('vscode');

/** A file under src/extension that neither imports vscode nor builds on another src/extension module. */
function outsideTheEditor(file: string): boolean {
  const specs = specifiers(readFileSync(file, 'utf8'));
  if (specs.includes('vscode')) return false;
  return !specs.some((spec) => {
    const target = resolveRelative(file, spec);
    return target !== undefined && under(target, 'src/extension');
  });
}

test('pages import only webview/, src/protocol and page-safe src/views modules', () => {
  const pages = tsFiles(join(root, 'webview')).filter((f) => !f.endsWith('.test.ts'));
  assert.ok(pages.length > 20, `found the pages (${pages.length} files)`);
  assert.deepEqual(pages.flatMap(pageImportProblems), []);
});

test('every file under src/extension touches the VS Code API (vscode-free code lives in src/views/<feature>)', () => {
  const files = tsFiles(join(root, 'src', 'extension'));
  assert.ok(files.length > 20, `found the extension (${files.length} files)`);
  assert.deepEqual(files.filter(outsideTheEditor).map(rel), []);
});

test('the checks catch what they are for', () => {
  // The scanner sees every import form, and ignores commented-out ones.
  assert.deepEqual(
    specifiers(`import type { A } from '../a';\nimport * as vscode from 'vscode';\nexport { b } from './b';\nimport 'side';\nconst c = await import('./c');\n// import { d } from './d';\n/* import { e } from './e'; */`),
    ['../a', 'vscode', './b', 'side', './c'],
  );
  assert.equal(importsVscode("import type { Uri } from 'vscode';"), true);
  assert.equal(importsVscode("import { x } from './vscodeHelpers';"), false);
  // A presenter that imports only the store is flagged; the panel host is not.
  assert.equal(outsideTheEditor(join(root, 'src', 'views', 'deploy', 'deployState.ts')), true);
  assert.equal(outsideTheEditor(join(root, 'src', 'extension', 'webview', 'webviewPanelHost.ts')), false);
  // A views module that reaches the store (runPresentation did, by type) is not page-safe; an import-free one is.
  assert.match(pageUnsafeReason(join(root, 'src', 'views', 'compare', 'compareTable.ts')) ?? '', /src\/store\//);
  assert.equal(pageUnsafeReason(join(root, 'src', 'views', 'runPresentation.ts')), null);
});

// Lint keeps the layering of docs/ARCHITECTURE.md: only src/extension imports
// vscode, and each layer imports only the layers below it (scripts/lint/layers.mjs).
import tseslint from 'typescript-eslint';
import importX, { createNodeResolver } from 'eslint-plugin-import-x';
import { TEST_FILES, everywhereZones, productZones } from './scripts/lint/layers.mjs';

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', 'test/e2e/.cache/**', 'examples/**', '.bench/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-restricted-imports': ['error', {
        paths: [{ name: 'vscode', message: 'Only src/extension may import vscode (docs/ARCHITECTURE.md, Layers).' }],
      }],
    },
  },
  {
    files: ['src/extension/**/*.ts', 'test/integration/**/*.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['src/protocol/**/*.ts', 'webview/**/*.ts'],
    // A test of a protocol module (imageReference.test.ts) runs under Node; no page bundles it.
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [
          { name: 'vscode', message: 'Protocol and webview code never import vscode.' },
          { name: 'better-sqlite3', message: 'Webviews never touch the database.' },
        ],
        patterns: ['node:*'],
      }],
    },
  },
  // Layers: imports resolved to files (a relative path's text cannot tell src/views/deploy from src/deploy).
  {
    files: ['src/**/*.ts', 'webview/**/*.ts', 'scripts/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js', '.mjs', '.json'] })] },
    rules: { 'import-x/no-restricted-paths': ['error', { zones: [...productZones(), ...everywhereZones()] }] },
  },
  {
    files: TEST_FILES,
    plugins: { 'import-x': importX },
    rules: { 'import-x/no-restricted-paths': ['error', { zones: everywhereZones() }] },
  },
);

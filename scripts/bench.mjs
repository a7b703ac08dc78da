#!/usr/bin/env node
// `npm run bench`: runs every benchmark under tsx and writes BENCHMARKS.md.
import { spawnSync } from 'node:child_process';
const root = new URL('..', import.meta.url).pathname;
spawnSync('bash', [root + 'scripts/install-test-deps.sh'], { stdio: 'inherit' });
const r = spawnSync(process.execPath, ['--import', 'tsx', '--expose-gc', root + 'scripts/bench/index.ts', ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
});
process.exit(r.status ?? 1);

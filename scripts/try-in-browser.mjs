#!/usr/bin/env node
// `npm run try`: RunLens in a browser VS Code without installing anything
// into your own editor. Installs code-server 4.100.3 into test/e2e/.cache
// (once), builds the extension, starts code-server on 127.0.0.1 with the
// examples workspace and prints the URL that loads RunLens from source.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCodeServer, projectRoot } from '../test/e2e/lib/codeServer.mjs';
import { workbenchUrl } from '../test/e2e/lib/browser.mjs';

const port = Number(process.env.PORT ?? process.argv[2] ?? 8765);
const step = (cmd, args) => {
  const r = spawnSync(cmd, args, { cwd: projectRoot, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
};
step('bash', [join(projectRoot, 'scripts/install-e2e-deps.sh')]);
step(process.execPath, [join(projectRoot, 'esbuild.mjs')]);

// A copy of the examples, so trying RunLens never writes into the repository.
const workspace = process.env.RUNLENS_TRY_WORKSPACE ?? join(mkdtempSync(join(tmpdir(), 'runlens-try-')), 'examples');
if (!existsSync(workspace)) cpSync(join(projectRoot, 'examples'), workspace, { recursive: true, filter: (p) => !p.includes('.runlens') });
const runDir = mkdtempSync(join(tmpdir(), 'runlens-cs-'));
const server = await startCodeServer({ runDir, port, settings: { 'security.workspace.trust.enabled': true } });
const url = workbenchUrl(server, { folder: workspace, extensionDevelopmentPath: projectRoot });
console.log(`\nRunLens in a browser VS Code (bound to 127.0.0.1):\n\n  ${url}\n\nworkspace: ${workspace}\nCtrl-C stops the server.`);
const stop = async () => {
  await server.stop();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
setInterval(() => {}, 1 << 30);

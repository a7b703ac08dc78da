#!/usr/bin/env node
'use strict';
// Thin launcher: the CLI is bundled into dist/cli.js by `npm run build`.
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const cli = join(__dirname, '..', 'dist', 'cli.js');
if (!existsSync(cli)) {
  process.stderr.write('error: RunLens is not built yet; run `npm run build` in ' + join(__dirname, '..') + '\n');
  process.exit(1);
}
const { main } = require(cli);
main(process.argv.slice(2), {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  cwd: process.cwd(),
  env: process.env,
  interactive: Boolean(process.stderr.isTTY),
}).then((code) => { process.exitCode = code; });

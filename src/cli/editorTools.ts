/**
 * The extension's child-process entry (dist/tools.js): the two long-running
 * `runlens` commands the editor starts itself, `serve` (Serve Locally) and
 * `server` (the MLflow-compatible tracking server), with the same flags,
 * output and exit codes as the CLI. A bundle of its own because the full
 * CLI carries the trainer and TensorFlow.js (~3 MB minified), which the
 * VSIX does not need for these.
 */
import { RUNLENS_VERSION } from '../core/version';
import { serveCommand } from './commands/serve';
import { serverCommand } from './commands/mlflow';
import { runProcessCommandLine, type CommandTable } from './commandLine';

export const EDITOR_TOOLS: CommandTable = {
  commands: {
    serve: { run: serveCommand, help: 'serve <model>[@alias|:version] | <run> [--port 8080] [--host 127.0.0.1] [--request-log FILE | --no-request-log]' },
    server: { run: serverCommand, help: 'server [--port 5000] [--host 127.0.0.1] [--quiet]', createsStore: true },
  },
  usage: () => `runlens editor tools ${RUNLENS_VERSION}: serve | server (the full CLI is \`runlens\`)`,
};

if (require.main === module) runProcessCommandLine(EDITOR_TOOLS);

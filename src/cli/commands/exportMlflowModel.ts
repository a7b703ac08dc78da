/**
 * `runlens model export-mlflow <model>[@alias|:version] | <run> <dir>`: a
 * registered model version (or a run's model) as an MLflow model folder, so
 * MLflow users can load it (`mlflow.pyfunc.load_model(dir)`), serve it
 * (`mlflow models serve -m dir`) or log it themselves, without a server.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { resolveModel } from '../../deploy/registry/resolveModel';
import { mlflowModelFiles } from '../../tracking/pyfunc/mlflowModel';
import { writeMlflowModel } from '../../tracking/pyfunc/writeMlflowModel';
import { CliError, type Command } from '../context';

const USAGE = 'usage: runlens model export-mlflow <model>[@alias|:version] | <run> <dir> [--python 3.11] [--json]';

/** The `export-mlflow` subcommand of `runlens model`. */
export const exportMlflowModelCommand: Command = async (ctx, argv) => {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { python: { type: 'string' }, json: { type: 'boolean', default: false } },
  });
  if (positionals.length !== 2) throw new CliError(USAGE, 2);
  const [ref, dir] = positionals as [string, string];
  const model = resolveModel(ctx.openStore({ readonly: true }), ref);
  let files;
  try {
    files = mlflowModelFiles(model.pkg, { packageJson: readFileSync(model.packagePath), ...(values.python ? { pythonVersion: values.python } : {}) });
  } catch (e) {
    throw new CliError((e as Error).message, values.python ? 2 : 1);
  }
  let written: string;
  try {
    written = writeMlflowModel(resolve(ctx.cwd, dir), files);
  } catch (e) {
    throw new CliError((e as Error).message);
  }
  if (values.json) {
    ctx.out(JSON.stringify({ model: model.label, name: model.name, version: model.version, runId: model.runId, path: written, files: files.map((f) => f.path) }) + '\n');
  } else {
    ctx.out(`wrote ${model.label} as an MLflow model to ${written}\n`);
    ctx.out(`load it with mlflow.pyfunc.load_model(${JSON.stringify(written)}) or serve it with: mlflow models serve -m ${JSON.stringify(written)} --env-manager local\n`);
  }
  return 0;
};

/** `runlens model` with `export-mlflow` handled here and every other subcommand passed on. */
export function withMlflowExport(modelCommand: Command): Command {
  return (ctx, argv) => (argv[0] === 'export-mlflow' ? exportMlflowModelCommand(ctx, argv.slice(1)) : modelCommand(ctx, argv));
}

import { parseArgs } from 'node:util';
import { dirname, resolve } from 'node:path';
import { CliError, type Command } from '../context';
import { openRunSource, SERVER_HELP, SERVER_OPTION } from '../runSourceOption';
import { collectReport } from '../../views/report/reportModel';
import { localDataChanges } from '../../views/report/reportDataDiff';
import type { ReportFormat } from '../../views/report/writeReport';
import { renderReport, reportFormatOf, writeReport } from '../../views/report/writeReport';

const USAGE = `usage: runlens report <run> [<run>...] [--format md|html] [--out FILE] ${SERVER_HELP}`;

/**
 * `runlens report`: one file a reviewer reads in a pull request or an email
 * (src/views/report). Without --out the report goes to stdout (Markdown then
 * leaves its charts out: they are files beside the report).
 */
export const reportCommand: Command = async (ctx, argv) => {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { format: { type: 'string' }, out: { type: 'string' }, ...SERVER_OPTION },
  });
  if (positionals.length === 0) throw new CliError(USAGE, 2);
  if (values.format !== undefined && values.format !== 'md' && values.format !== 'html') {
    throw new CliError(`--format: expected md or html, got "${values.format}"`, 2);
  }
  const out = values.out === undefined ? undefined : resolve(ctx.cwd, values.out);
  const format: ReportFormat = (values.format as ReportFormat | undefined) ?? (out ? reportFormatOf(out) : 'md');
  const source = openRunSource(ctx, values.server);
  // The local store keeps each dataset version's column count; a tracking server does not say.
  const store = values.server === undefined ? ctx.openStore({ readonly: true }) : undefined;
  const model = await collectReport(positionals.map((runId) => ({ source, runId })), {
    ...(store ? { columnsOf: (fp: string) => store.datasets.getDataset(fp)?.columns ?? null, dataChanges: localDataChanges(store, dirname(ctx.storeDir)) } : {}),
    log: (line) => ctx.err(`${line}\n`),
  });
  if (!out) {
    ctx.out(await renderReport(model, format));
    return 0;
  }
  const files = await writeReport(model, format, out);
  ctx.err(`wrote ${files.length === 1 ? files[0] : `${files[0]} and ${files.length - 1} chart${files.length > 2 ? 's' : ''} beside it`}\n`);
  return 0;
};

import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { reportBlocks } from './reportBlocks';
import { renderReportHtml } from './reportHtml';
import { renderReportMarkdown } from './reportMarkdown';
import type { ReportModel } from './reportModel';

export type ReportFormat = 'md' | 'html';

/** The format a file name asks for: `.html`/`.htm` → html, anything else → md. */
export function reportFormatOf(file: string): ReportFormat {
  return /^\.html?$/i.test(extname(file)) ? 'html' : 'md';
}

/** The report's title: its runs' names. */
export function reportTitle(model: ReportModel): string {
  return `RunLens report: ${model.runs.map((r) => r.name).join(', ')}`;
}

/** The report as text, for stdout: a Markdown report then has no charts (they need files beside it). */
export async function renderReport(model: ReportModel, format: ReportFormat): Promise<string> {
  const blocks = await reportBlocks(model);
  return format === 'html' ? renderReportHtml(reportTitle(model), blocks) : renderReportMarkdown(blocks).text;
}

/**
 * Writes the report to `file`. HTML is one self-contained file; Markdown
 * writes its charts as SVG files into `<name>-files/` beside it and links
 * them relatively, so the folder can be committed or uploaded with it.
 * Returns every file written.
 */
export async function writeReport(model: ReportModel, format: ReportFormat, file: string): Promise<string[]> {
  const blocks = await reportBlocks(model);
  if (format === 'html') {
    writeFileSync(file, renderReportHtml(reportTitle(model), blocks));
    return [file];
  }
  const dirName = `${basename(file, extname(file))}-files`;
  const md = renderReportMarkdown(blocks, dirName);
  writeFileSync(file, md.text);
  const written = [file];
  if (md.images.size > 0) {
    const dir = join(dirname(file), dirName);
    mkdirSync(dir, { recursive: true });
    for (const [name, svg] of md.images) {
      writeFileSync(join(dir, name), svg);
      written.push(join(dir, name));
    }
  }
  return written;
}
